import { parseAllDocuments, stringify } from 'yaml';

export const REDACTED = '<redacted>';

/**
 * Keys whose values are key material or credentials: EncryptionConfiguration's
 * `keys[].secret`, kubeconfig `token`/`client-key-data`, and the like. Matched on the whole key.
 */
const SECRET_KEY =
  /^(secret|token|password|passphrase|key|private[-_]?key|client[-_]key[-_]data|[a-z0-9]+[-_](secret|token|password))$/i;

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? REDACTED : redactValue(v)]),
    );
  }
  return value;
}

/**
 * The redacted text of a YAML file, or why there is none. The text is rebuilt from the parsed
 * data, so comments (which may hold an old key) are dropped too. When the file does not parse,
 * nothing of it is returned, and the reason carries only a position: the parser's own message
 * quotes the offending line, which may be the secret.
 */
export function redactYaml(text: string): Redacted {
  const known = redacted.get(text);
  if (known !== undefined) return known;
  const out = redactAnew(text);
  if (text.length <= MEMO_CHARS) {
    memoChars += text.length;
    if (memoChars > MEMO_CHARS) {
      redacted.clear();
      memoChars = text.length;
    }
    redacted.set(text, out);
  }
  return out;
}

type Redacted = Readonly<{ content: string } | { problem: string }>;

/**
 * The nodes of a cluster hold mostly the same files: each distinct text is redacted once per run
 * (its parse and stringify were a tenth of rkecis's CPU per node). Bounded by the texts' size.
 */
const MEMO_CHARS = 4 * 1024 * 1024;
const redacted = new Map<string, Redacted>();
let memoChars = 0;

function redactAnew(text: string): Redacted {
  const docs = parseAllDocuments(text);
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err !== undefined) {
      const at = err.linePos?.[0];
      const where = at === undefined ? '' : ` at line ${at.line}, column ${at.col}`;
      return {
        problem: `is not valid YAML (${err.code}${where}); its content is withheld because it may hold secrets`,
      };
    }
  }
  try {
    return { content: docs.map((d) => stringify(redactValue(d.toJS()))).join('---\n') };
  } catch (e) {
    // toJS refuses alias bombs and the like; the message names no content.
    return {
      problem: `could not be read as YAML data (${(e as Error).name}); its content is withheld because it may hold secrets`,
    };
  }
}
