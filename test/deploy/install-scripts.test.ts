import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * npm 11 warns on every `npm ci` about dependencies whose install scripts package.json's
 * allowScripts does not cover (and npm 12 will not run them). Each one is reviewed and listed
 * with `npm approve-scripts NAME`: a dependency that gains an install script fails here, not
 * as a warning a user must wonder about on first use.
 */
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, { hasInstallScript?: boolean }>;
};

describe('install scripts', () => {
  it('package.json allows exactly the dependencies that have install scripts', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.hasInstallScript === true)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(Object.keys(pkg.allowScripts ?? {}).sort()).toEqual([...new Set(withScripts)].sort());
    expect(Object.values(pkg.allowScripts ?? {}).every((allowed) => allowed)).toBe(true);
  });
});
