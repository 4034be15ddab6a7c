/**
 * Reading a CODEOWNERS file the way GitHub does, to tell whether a path has a code owner.
 * https://docs.github.com/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners
 *
 * - Patterns follow gitignore rules, with GitHub's exceptions: no `!` negation, no `[ ]` ranges;
 *   `\#` escapes a pattern starting with `#`. Paths are case-sensitive.
 * - The LAST matching line decides; a line with a pattern and no owners makes the path unowned.
 * - `docs/*` owns files directly in docs/, not in its subfolders; `apps/` owns everything under any
 *   `apps` folder; `/build/logs/` only that folder at the root; `*.js` any .js file anywhere.
 * - GitHub looks for the file in `.github/`, then the root, then `docs/`, and uses the first found.
 */
import { CODEOWNED_AREAS, type CodeownersState } from './settings.ts';

/** Where GitHub looks for the file, in its order. */
export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

/** One rule of the file. */
export interface CodeownersRule {
  /** The pattern as written. */
  pattern: string;
  /** Owners (`@user`, `@org/team`, email), possibly none. */
  owners: string[];
  /** 1-based line number. */
  line: number;
  /** The compiled pattern. */
  regex: RegExp;
}

/** Parses the file; lines GitHub would skip (negation, ranges) are skipped here too. */
export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const tokens = line.split(/\s+/);
    let pattern = tokens[0]!;
    if (pattern.startsWith('\\#')) pattern = pattern.slice(1);
    if (pattern.startsWith('!') || /[[\]]/.test(pattern)) return;
    const owners: string[] = [];
    for (const t of tokens.slice(1)) {
      if (t.startsWith('#')) break; // the rest of the line is a comment
      owners.push(t);
    }
    rules.push({ pattern, owners, line: i + 1, regex: compile(pattern) });
  });
  return rules;
}

/** gitignore-style pattern → regular expression over a repository path (no leading slash). */
function compile(pattern: string): RegExp {
  let p = pattern;
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.replace(/\/+$/, '');
  const anchored = p.startsWith('/') || p.includes('/');
  p = p.replace(/^\/+/, '');
  let body = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      const slashAfter = p[i + 2] === '/';
      body += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (c === '*') body += '[^/]*';
    else if (c === '?') body += '[^/]';
    else body += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  const prefix = anchored ? '^' : '^(?:.*/)?';
  // A folder owns everything inside it; `dir/*` only the folder's direct files (GitHub's exception).
  const suffix = dirOnly ? '/.*$' : p.endsWith('/*') ? '$' : '(?:/.*)?$';
  return new RegExp(prefix + body + suffix);
}

/** The owners of `path` (empty when nobody owns it). */
export function ownersOf(rules: readonly CodeownersRule[], path: string): string[] {
  let owners: string[] = [];
  for (const r of rules) if (r.regex.test(path)) owners = r.owners;
  return owners;
}

/** Which required areas the file covers. Pure. */
export function codeownersCoverage(file: string | null, text: string | null): CodeownersState {
  const rules = text === null ? [] : parseCodeowners(text);
  const owned: string[] = [];
  const unowned: Record<string, string> = {};
  for (const { area, samples } of CODEOWNED_AREAS) {
    const missing = samples.find((s) => ownersOf(rules, s).length === 0);
    if (missing === undefined) owned.push(area);
    else unowned[area] = missing;
  }
  return { file, owned, unowned };
}
