/**
 * When to use each holding statement, from the table the team keeps in
 * `playbook/holding/README.md` (`| \`holding-aware\` | Something went wrong … |`): the one place
 * the team documents it, so the site shows the same words. Pure.
 */

/** Statement id → "when to use it", in the README's words. */
export function holdingGuide(readme: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readme.split(/\r?\n/)) {
    const m = /^\|\s*`([a-z0-9][a-z0-9-]*)`\s*\|\s*(.+?)\s*\|\s*$/i.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}
