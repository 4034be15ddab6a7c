/**
 * Does a pull request change anything `copydesk check` looks at? The required `check` runs on
 * every pull request (a path-filtered required check never reports on unrelated PRs, which then
 * cannot merge without a bypass); when this answers "no", the job ends in seconds, before
 * installing anything, and still reports success under the same name.
 *
 * Fail safe: a path is irrelevant only when it is known to be inert (tests, benchmarks, docs,
 * repository chores) AND cannot be media a post points at (a post's `media` path may be anywhere
 * in the repository, so any image or video counts, wherever it is). Anything unknown, and an
 * empty or unreadable list of changes, means "run the check". Pure: paths in, verdict out.
 */

/** The verdict, with a reason for the job log. */
export interface Relevance {
  /** True when the full check must run. */
  relevant: boolean;
  /** One line for people: which path made it relevant, or why nothing is. */
  reason: string;
}

/** Extensions that cannot be a post's media or a post, so inert where the folder is inert. */
const TEXT_EXTENSIONS = new Set(['md', 'txt', 'ts', 'mts', 'cts', 'js', 'mjs', 'cjs', 'json', 'yml', 'yaml', 'snap']);

/** File names that are repository chores, wherever they are. */
const CHORE_FILES = new Set(['LICENSE', 'LICENSE.md', 'LICENSE.txt', '.gitignore', '.gitattributes', '.editorconfig']);

/** Why a path is inert, or undefined when it may matter to the check. */
function inert(path: string): string | undefined {
  const name = path.split('/').pop() ?? path;
  if (CHORE_FILES.has(name)) return 'repository chore';
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (!TEXT_EXTENSIONS.has(ext)) return undefined;
  // The check workflow itself must prove it still works.
  if (path === '.github/workflows/check.yml') return undefined;
  if (path.startsWith('test/') || path.startsWith('bench/')) return 'tests and benchmarks';
  if (path.startsWith('.github/')) return 'other workflows and templates';
  if (ext === 'md' && !path.startsWith('posts/') && !path.startsWith('playbook/') && !path.startsWith('src/')) return 'documentation';
  return undefined;
}

/** Decides from the changed paths (repository-relative, forward slashes; renames as both names). */
export function changesNeedCheck(paths: readonly string[]): Relevance {
  const list = paths.map((p) => p.trim()).filter((p) => p !== '');
  if (list.length === 0) return { relevant: true, reason: 'no changed files could be listed, so everything is checked' };
  for (const p of list) {
    if (inert(p) === undefined) return { relevant: true, reason: `${p} may affect the posts, the check or its rules` };
  }
  const kinds = [...new Set(list.map((p) => inert(p)!))].join(', ');
  return { relevant: false, reason: `only ${kinds} changed (${list.length} file${list.length === 1 ? '' : 's'}); nothing the check looks at` };
}
