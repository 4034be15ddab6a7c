/**
 * Accepting warnings in the post itself: `<!-- copydesk-ignore rule-id: reason -->` (parsed into
 * `post.ignores`). A warning whose rule id matches is accepted: not a finding, but listed with its
 * reason so the reviewer sees what was accepted and why. Errors can never be accepted this way;
 * an ignore that names an error rule is itself reported, as is one that matches nothing.
 */
import { diag, type Diagnostic } from '../diagnostic/diagnostic.ts';
import { closest } from '../diagnostic/yaml-source.ts';
import type { Ignore, Post } from '../post/post.ts';

/** A warning accepted by an ignore comment. */
export interface Accepted {
  /** The warning. */
  finding: Diagnostic;
  /** The reason written in the comment. */
  reason: string;
  /** Line of the comment. */
  ignoreLine: number;
}

/** Rules whose findings are always errors: naming them in an ignore comment does nothing. */
export const ERROR_RULES: ReadonlySet<string> = new Set([
  'length', 'media', 'alt-text', 'watchlist', 'duplicate-id', 'post-format', 'yaml', 'unknown-field', 'id', 'publish-at',
  'expires', 'channels', 'lang', 'tags', 'draft', 'timezone', 'empty-part', 'ignore-reason',
]);

/** Findings about ignore comments themselves: accepting them would hide the problem they report. */
export const IGNORE_NO_EFFECT = 'ignore-no-effect';
export const IGNORE_UNUSED = 'ignore-unused';
const NEVER_ACCEPTED = new Set([IGNORE_NO_EFFECT, IGNORE_UNUSED]);

export function applyIgnores(post: Post, findings: Diagnostic[]): { findings: Diagnostic[]; accepted: Accepted[] } {
  const byRule = new Map<string, Ignore>();
  for (const ig of post.ignores) if (!byRule.has(ig.ruleId)) byRule.set(ig.ruleId, ig);
  const kept: Diagnostic[] = [];
  const accepted: Accepted[] = [];
  for (const f of findings) {
    const ig = f.severity === 'warning' && !NEVER_ACCEPTED.has(f.ruleId) ? byRule.get(f.ruleId.toLowerCase()) : undefined;
    if (ig) accepted.push({ finding: f, reason: ig.reason, ignoreLine: ig.line });
    else kept.push(f);
  }
  const known = [...new Set(findings.map((f) => f.ruleId.toLowerCase()))];
  for (const ig of post.ignores) {
    const same = findings.filter((f) => f.ruleId.toLowerCase() === ig.ruleId);
    const warnings = same.filter((f) => f.severity === 'warning');
    if (ERROR_RULES.has(ig.ruleId) || (same.length > 0 && warnings.length === 0)) {
      kept.push(diag(post.file, { line: ig.line }, 'warning', IGNORE_NO_EFFECT,
        `copydesk-ignore ${ig.ruleId} has no effect: \`${ig.ruleId}\` findings are errors, and errors cannot be accepted`,
        'Fix what the error reports and remove this comment.'));
    } else if (same.length === 0) {
      const guess = closest(ig.ruleId, known);
      kept.push(diag(post.file, { line: ig.line }, 'warning', IGNORE_UNUSED,
        `copydesk-ignore ${ig.ruleId} matches no warning in this post`,
        guess ? `Did you mean \`${guess}\`? Otherwise remove the comment.` : 'Remove the comment: there is nothing to accept.'));
    }
  }
  return { findings: kept, accepted };
}
