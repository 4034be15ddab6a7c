/**
 * `copydesk minutes` on this repository's own workflows (the default a team gets) and on a
 * repository with the old cadence (publisher every 5 minutes, hourly watchdog, a site job after
 * every publish run), which GitHub Free cannot carry.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { minutesCommand } from '../../src/minutes/minutes-command.ts';
import { context, tempRepo } from '../helpers/crisis-repo.ts';

const PROJECT = join(import.meta.dirname, '..', '..');
let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});

const totals = (out: string) => [...out.matchAll(/total ([\d,]+) minutes/g)].map((m) => Number(m[1]!.replace(/,/g, '')));

describe('copydesk minutes', () => {
  it('the default workflows fit GitHub Free on a private repository: idle ≤ 1,500, a normal month ≤ 1,800', async () => {
    for (const month of ['2027-02', '2027-03', '2027-04']) {
      const run = context(PROJECT, `${month}-10T12:00:00Z`);
      expect(await minutesCommand(['--month', month], run.ctx)).toBe(0);
      const [idle, normal] = totals(run.out());
      expect(idle).toBeLessThanOrEqual(1500);
      expect(normal).toBeLessThanOrEqual(1800);
      expect(run.out()).toContain('(goal ≤ 1,500: met)');
      expect(run.err()).toBe('');
    }
    // Turning on Pages adds a deploy job to every site build: still within Free.
    const pages = context(PROJECT, '2027-03-10T12:00:00Z');
    await minutesCommand(['--pages'], pages.ctx);
    expect(totals(pages.out())[1]).toBeLessThanOrEqual(2000);
  });

  it('the old cadence is shown to exhaust the free minutes, naming each workflow', async () => {
    const { root, cleanup } = await tempRepo({});
    cleanups.push(cleanup);
    await mkdir(join(root, '.github/workflows'), { recursive: true });
    await writeFile(join(root, '.github/workflows/publish.yml'), "name: publish\non:\n  schedule:\n    - cron: '*/5 * * * *'\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n");
    await writeFile(join(root, '.github/workflows/watchdog.yml'), "name: watchdog\non:\n  schedule:\n    - cron: '17 * * * *'\njobs:\n  watch:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n");
    await writeFile(join(root, '.github/workflows/site.yml'), 'name: site\non:\n  workflow_run:\n    workflows: [publish]\n    types: [completed]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n');
    const run = context(root, '2027-04-10T12:00:00Z');
    expect(await minutesCommand([], run.ctx)).toBe(1);
    expect(run.out()).toMatch(/publish\.yml +8640 runs × 1 min = +8640/);
    expect(run.out()).toMatch(/watchdog\.yml +720 runs/);
    expect(run.out()).toMatch(/site\.yml +8640 runs × 2 min/);
    expect(run.out()).toContain('(goal ≤ 1,500: MISSED)');
  });

  it('a bad cron line or option says what is wrong', async () => {
    const { root, cleanup } = await tempRepo({});
    cleanups.push(cleanup);
    await mkdir(join(root, '.github/workflows'), { recursive: true });
    await writeFile(join(root, '.github/workflows/publish.yml'), "name: publish\non:\n  schedule:\n    - cron: '7 5-20 * *'\njobs:\n  p:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n");
    const run = context(root, '2027-04-10T12:00:00Z');
    await minutesCommand([], run.ctx);
    expect(run.err()).toContain('.github/workflows/publish.yml: "7 5-20 * *" has 4 fields');
    await expect(minutesCommand(['--month', 'April'], context(root, '2027-04-10T12:00:00Z').ctx)).rejects.toThrow('--month must be YYYY-MM, e.g. 2027-04, not "April"');
  });
});
