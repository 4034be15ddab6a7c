/**
 * The one redactor: every writer edge (stdout/stderr, the job summary, the state branch, issues
 * and comments) passes its text through the same function before it leaves the process. Channels
 * already keep their own secrets out of errors; this also catches a secret echoed back by a server
 * or a proxy, in any of the forms it is likely to come back in:
 *
 * - the value itself, and its JSON-escaped form;
 * - URL-encoded (`encodeURIComponent`, upper- and lower-case hex, form encoding with `+`);
 * - base64, standard and url-safe, at any of the three byte alignments, so the secret is found
 *   inside a longer encoded blob too (`Basic base64(user:password)`, a JSON body sent as base64);
 * - session tokens by shape, whoever minted them: JWTs anywhere in the text, and the token after
 *   `Bearer`, `Basic` or `token` (an Authorization header quoted by a proxy).
 *
 * Secrets derived at run time (Bluesky access and refresh JWTs) are added with `add` as soon as
 * they exist; see secret-sink.ts, which also masks them in the Actions log.
 */

/** Shown instead of a secret. */
export const REDACTED = '***';

/** Replaces secrets in text; `add` registers one more secret (a session token minted during the run). */
export interface Redactor {
  (text: string): string;
  /** Redact this value (and its encoded forms) from now on. Values shorter than 4 characters are ignored. */
  add(secret: string): void;
}

/** Shortest encoded fragment worth replacing: shorter ones would match innocent text. */
const MIN_FRAGMENT = 6;

/** JWT: three base64url parts, the first one a JSON object (`{"` encodes to `eyJ`). */
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/** An authorization scheme followed by its credential, as quoted in headers or curl lines. */
// The credential must look like one (16+ characters with a digit), so "token rejected" stays readable.
const AUTH_SCHEME = /\b(Bearer|Basic|token)(\s+|%20|\+)(?=[A-Za-z0-9._~+/=%-]*\d)[A-Za-z0-9._~+/=%-]{16,}/gi;

/** Every form of `secret` the redactor looks for. Exported for tests. */
export function encodedForms(secret: string): string[] {
  const out = new Set<string>([secret]);
  const json = JSON.stringify(secret).slice(1, -1);
  out.add(json);
  const uri = encodeURIComponent(secret);
  out.add(uri);
  out.add(uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  out.add(new URLSearchParams({ s: secret }).toString().slice(2));
  const bytes = Buffer.from(secret, 'utf8');
  for (let shift = 0; shift < 3; shift++) {
    // Encode behind `shift` filler bytes and keep only the characters that depend on the secret alone.
    const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64').replace(/=+$/, '');
    const start = Math.ceil((shift * 8) / 6);
    const end = Math.floor(((shift + bytes.length) * 8) / 6);
    const inner = b64.slice(start, end);
    if (inner.length < MIN_FRAGMENT) continue;
    out.add(inner);
    out.add(inner.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...out].filter((v) => v.length >= 4);
}

/** A redactor for these secret values (empty and very short values are ignored). */
export function createRedactor(secrets: readonly string[] = []): Redactor {
  const values = new Set<string>();
  let list: string[] = [];
  const add = (secret: string): void => {
    if (typeof secret !== 'string' || secret.length < 4) return;
    const before = values.size;
    for (const v of [...encodedForms(secret), ...(secret.trim() !== secret ? encodedForms(secret.trim()) : [])]) values.add(v);
    // Longest first, so a secret containing another is removed whole.
    if (values.size !== before) list = [...values].sort((a, b) => b.length - a.length);
  };
  for (const s of secrets) add(s);
  const redact = ((text: string): string => {
    let out = String(text);
    for (const v of list) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out.replace(JWT, REDACTED).replace(AUTH_SCHEME, (_m, scheme: string, sep: string) => `${scheme}${sep}${REDACTED}`);
  }) as Redactor;
  redact.add = add;
  return redact;
}

/** Environment variables whose values are secret: the named ones, plus any name that looks like one. */
export function secretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  const named = ['BLUESKY_APP_PASSWORD', 'MASTODON_TOKEN', 'THREADS_ACCESS_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN', 'ACTIONS_RUNTIME_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
  const out = new Set<string>();
  for (const [k, v] of Object.entries(env)) {
    if (!v || v.trim().length < 4) continue;
    if (named.includes(k) || /(TOKEN|PASSWORD|SECRET|PRIVATE_KEY|API_KEY)$/i.test(k)) {
      out.add(v);
      if (v.trim() !== v) out.add(v.trim());
    }
  }
  return [...out];
}
