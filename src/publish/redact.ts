/**
 * The last line of defence for secrets: every line the publish and plan commands print, write to
 * the job summary, the failures issue or the ledger goes through this. Channels already keep their
 * own secrets out of errors; this also catches a secret echoed back by a server or a proxy.
 */

/** Shown instead of a secret. */
export const REDACTED = '***';

/** A function that replaces each secret value (and its URL-encoded form) with `***`. */
export function createRedactor(secrets: string[]): (text: string) => string {
  const values = new Set<string>();
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    values.add(s);
    values.add(encodeURIComponent(s));
  }
  // Longest first, so a secret containing another is removed whole.
  const list = [...values].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = text;
    for (const v of list) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  };
}
