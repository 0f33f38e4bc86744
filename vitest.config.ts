import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration tests share one Docker engine; files run in parallel, tests within a file in order.
    fileParallelism: true,
  },
});
