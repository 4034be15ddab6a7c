/** The playbook's review dates, through the real `copydesk check` on a temporary repository. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { playbookReviewProblems } from '../../src/check/playbook-review.ts';
import { runCli } from './helpers.ts';

const NOW = Date.parse('2027-06-01T10:00:00Z');
const page = (front: string) => `---\ntitle: Call tree\n${front}\n---\n\nCall the owner.\n`;

describe('playbook pages carry a review date', () => {
  it('warns on a missing, unreadable, future or too old date, naming the line and the fix; accepts a recent one', () => {
    const found = playbookReviewProblems([
      { file: 'playbook/a.md', text: page('last_reviewed: 2027-05-01') },
      { file: 'playbook/b.md', text: page('sidebar:\n  order: 2') },
      { file: 'playbook/c.md', text: page('last_reviewed: 2027-02-30') },
      { file: 'playbook/d.md', text: page('last_reviewed: "2026-10-01"') },
      { file: 'playbook/e.md', text: page('last_reviewed: 2027-09-01') },
    ], NOW, 180);
    expect(found.map((d) => `${d.file}:${d.line} ${d.severity}`)).toEqual(['playbook/b.md:1 warning', 'playbook/c.md:3 warning', 'playbook/d.md:3 warning', 'playbook/e.md:3 warning']);
    expect(found[2]!.message).toContain('243 days ago (2026-10-01)');
    expect(found[2]!.fix).toContain('last_reviewed: 2027-06-01');
  });
});

describe('copydesk check reads the playbook', () => {
  let root: string | undefined;
  afterEach(async () => root && rm(root, { recursive: true, force: true }));

  it('a full check warns about a stale page and exits 0 (a warning, not an error); the threshold comes from the config', async () => {
    root = await mkdtemp(join(tmpdir(), 'copydesk-review-'));
    await mkdir(join(root, 'playbook', 'pl'), { recursive: true });
    await writeFile(join(root, 'playbook', 'drills.md'), page('last_reviewed: 2026-01-10'));
    await writeFile(join(root, 'playbook', 'pl', 'drills.md'), page('last_reviewed: 2027-05-30'));
    await writeFile(join(root, 'copydesk.config.yaml'), 'timezone: UTC\nplaybook:\n  review_max_age_days: 90\n');
    const r = await runCli(['--format', 'json'], { root, now: new Date(NOW).toISOString() });
    expect(r.code).toBe(0);
    const problems = JSON.parse(r.stdout) as { file: string; ruleId: string; message: string }[];
    expect(problems.filter((p) => p.ruleId === 'playbook-review').map((p) => p.file)).toEqual(['playbook/drills.md']);
  });
});
