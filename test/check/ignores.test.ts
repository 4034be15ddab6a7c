/**
 * `<!-- copydesk-ignore rule-id: reason -->`: a warning is accepted (listed with its reason, not a
 * finding); an error never is, and an ignore naming an error rule or matching nothing is reported.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatHuman } from '../../src/check/format/human.ts';
import { applyIgnores } from '../../src/check/ignores.ts';
import { diag } from '../../src/diagnostic/diagnostic.ts';
import { check, FIXTURES, fileReport, postFrom } from './helpers.ts';

const ROOT = join(FIXTURES, 'rules');

describe('ignore comments', () => {
  it('accept a warning with its reason, shown in the human output', async () => {
    const report = await check(ROOT, ['posts/ignore-accepted.md']);
    const f = fileReport(report, 'posts/ignore-accepted.md');
    expect(f.findings).toEqual([]);
    expect(f.accepted).toEqual([{ finding: expect.objectContaining({ ruleId: 'sensitive-topic', line: 7, message: '"pray" touches a sensitive topic (religion)' }), reason: 'a light-hearted line about the weather, nothing religious', ignoreLine: 6 }]);
    const text = formatHuman(report);
    expect(text).toContain('accepted: posts/ignore-accepted.md:7:4  sensitive-topic  "pray" touches a sensitive topic (religion)');
    expect(text).toContain('reason (line 6): a light-hearted line about the weather, nothing religious');
    expect(text).toContain('1 file checked: 0 errors, 0 warnings, 1 accepted');
  });

  it('never silence errors (watchlist, profanity); the ignore itself is reported as having no effect', async () => {
    const report = await check(ROOT, ['posts/ignore-error.md']);
    const f = fileReport(report, 'posts/ignore-error.md');
    expect(f.accepted).toEqual([]);
    expect(f.findings.map((d) => [d.line, d.severity, d.ruleId])).toEqual([
      [6, 'warning', 'ignore-no-effect'],
      [7, 'warning', 'ignore-no-effect'],
      [8, 'error', 'watchlist'],
      [8, 'error', 'shit'],
    ]);
    expect(f.findings[0]!.message).toBe('copydesk-ignore watchlist has no effect: `watchlist` findings are errors, and errors cannot be accepted');
  });

  it('an ignore that matches nothing is reported, with a did-you-mean when close', async () => {
    const report = await check(ROOT, ['posts/ignore-unused.md']);
    expect(fileReport(report, 'posts/ignore-unused.md').findings).toEqual([expect.objectContaining({ severity: 'warning', ruleId: 'ignore-unused', line: 6, message: 'copydesk-ignore sensitive-topik matches no warning in this post' })]);
    const post = postFrom('<!-- copydesk-ignore sensitive-topik: typo -->\nText.');
    const warning = diag(post.file, { line: 7 }, 'warning', 'sensitive-topic', 'x');
    expect(applyIgnores(post, [warning]).findings.map((d) => d.fix)).toEqual([undefined, 'Did you mean `sensitive-topic`? Otherwise remove the comment.']);
  });

  it('accepts only warnings of a rule with both severities, and keeps its errors', () => {
    const post = postFrom('<!-- copydesk-ignore schedule: the quiet period starts after we close -->\nText.');
    const warning = diag(post.file, { line: 3 }, 'warning', 'schedule', 'in the quiet period');
    const error = diag(post.file, { line: 3 }, 'error', 'schedule', 'in the past');
    const r = applyIgnores(post, [warning, error]);
    expect(r.findings).toEqual([error]);
    expect(r.accepted.map((a) => a.finding)).toEqual([warning]);
  });
});
