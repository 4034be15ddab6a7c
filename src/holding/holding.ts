/**
 * Finding a holding statement to send, and refusing anything else. The fast path can only send the
 * content of an existing `playbook/holding/*.md` file, found by its `id`, that passes the same
 * check every post passes in its pull request (parser, lengths, watchlist…): no free text, ever.
 */
import type { Config } from '../config/config.ts';
import type { Diagnostic } from '../diagnostic/diagnostic.ts';
import { runCheck } from '../check/run-check.ts';
import { findPostFiles, HOLDING_DIR, loadPosts } from '../post/load-posts.ts';
import type { Post } from '../post/post.ts';
import { readFile } from 'node:fs/promises';
import { idFromSource } from '../post/id-from-source.ts';

/** Same rule as a post `id` (src/post/parse-post.ts). */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export type StatementResult =
  | {
      ok: true;
      /** The statement, parsed. */
      post: Post;
      /** Warnings from the check (printed, not blocking). */
      warnings: Diagnostic[];
    }
  | {
      ok: false;
      /** `bad-id`: not an id at all; `unknown-id`: no statement has it; `check-errors`: the file does not pass the check; `draft`: marked draft. */
      code: 'bad-id' | 'unknown-id' | 'check-errors' | 'draft';
      /** One or two sentences for people, saying what to do. */
      message: string;
      /** The check's errors, when any (file, line, what to fix). */
      problems: Diagnostic[];
      /** Ids of the statements that exist. */
      known: string[];
    };

/** Finds statement `id` under playbook/holding/ and runs the full check on its file. */
export async function loadStatement(root: string, config: Config, id: string, now: number): Promise<StatementResult> {
  const files = await findPostFiles(root, HOLDING_DIR);
  const loaded = await loadPosts(root, config, files, 'holding');
  const known = loaded.posts.map((p) => p.id).sort();
  const list = known.length ? known.join(', ') : `none (add files under ${HOLDING_DIR}/)`;
  if (!ID_PATTERN.test(id)) {
    return { ok: false, code: 'bad-id', message: `"${id.slice(0, 60)}" is not a statement id. Only an existing holding statement can be sent: ${list}.`, problems: [], known };
  }
  const post = loaded.posts.find((p) => p.id === id);
  if (!post) {
    // A statement whose file no longer parses still names its id: say that, not "unknown".
    for (const file of loaded.failed) {
      let text = '';
      try {
        text = await readFile(`${root}/${file}`, 'utf8');
      } catch {
        continue;
      }
      if (idFromSource(text) === id) {
        const problems = loaded.problems.filter((p) => p.file === file && p.severity === 'error');
        return { ok: false, code: 'check-errors', message: `${file} (id ${id}) does not pass the check, so it cannot be sent. Fix it in a pull request.`, problems, known };
      }
    }
    return { ok: false, code: 'unknown-id', message: `There is no holding statement with id "${id}". Available: ${list}.`, problems: [], known };
  }
  if (post.draft) return { ok: false, code: 'draft', message: `${post.file} is marked \`draft: true\`; remove that in a pull request to make it sendable.`, problems: [], known };
  const report = await runCheck({ root, config, now, files: [post.file] });
  const findings = report.files.flatMap((f) => f.findings);
  const errors = findings.filter((d) => d.severity === 'error');
  if (errors.length) {
    return { ok: false, code: 'check-errors', message: `${post.file} (id ${id}) has ${errors.length} check error(s), so it cannot be sent. Fix it in a pull request.`, problems: errors, known };
  }
  return { ok: true, post, warnings: findings.filter((d) => d.severity === 'warning') };
}
