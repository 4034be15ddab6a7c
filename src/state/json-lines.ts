/**
 * The state store's append-only files are JSON Lines: one event per line, so two runs that append
 * merge by re-applying on the newest tip. A torn line (a crash mid-write in the folder backend) is
 * skipped, never fatal.
 */
export function parseJsonLines<T>(text: string | undefined): T[] {
  const out: T[] = [];
  for (const line of (text ?? '').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      /* torn line: skipped */
    }
  }
  return out;
}
