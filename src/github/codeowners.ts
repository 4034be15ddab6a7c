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

/** An owner GitHub reported it cannot use (`GET /repos/{o}/{r}/codeowners/errors`). */
export interface CodeownersError {
  /** 1-based line. */
  line: number;
  /** 1-based column where the owner starts. */
  column: number;
  /** GitHub's kind, e.g. `Unknown owner`, `Invalid owner`, `Invalid pattern`. */
  kind: string;
}

/**
 * Parses the file; lines GitHub would skip (negation, ranges, an invalid pattern) are skipped here
 * too, and owners GitHub reported as unknown or invalid do not count: a line whose only owner is an
 * unknown team owns nothing, and GitHub then requires no code owner review for it.
 */
export function parseCodeowners(text: string, errors: readonly CodeownersError[] = []): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const here = errors.filter((e) => e.line === i + 1);
    if (here.some((e) => /pattern/i.test(e.kind))) return;
    const tokens = [...raw.matchAll(/\S+/g)];
    let pattern = tokens[0]![0];
    if (pattern.startsWith('\\#')) pattern = pattern.slice(1);
    if (pattern.startsWith('!') || /[[\]]/.test(pattern)) return;
    const owners: string[] = [];
    for (const t of tokens.slice(1)) {
      if (t[0].startsWith('#')) break; // the rest of the line is a comment
      if (here.some((e) => e.column === t.index + 1)) continue;
      owners.push(t[0]);
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

/** Which required areas the file covers, counting only owners GitHub can use. Pure. */
export function codeownersCoverage(file: string | null, text: string | null, errors: readonly (CodeownersError & { message?: string })[] = []): CodeownersState {
  const rules = text === null ? [] : parseCodeowners(text, errors);
  const owned: string[] = [];
  const unowned: Record<string, string> = {};
  for (const { area, samples } of CODEOWNED_AREAS) {
    const missing = samples.find((s) => ownersOf(rules, s).length === 0);
    if (missing === undefined) owned.push(area);
    else unowned[area] = missing;
  }
  const problems = errors.map((e) => `line ${e.line}: ${e.kind}${e.message ? ` (${e.message.split('\n')[0]})` : ''}`);
  return { file, owned, unowned, problems };
}
