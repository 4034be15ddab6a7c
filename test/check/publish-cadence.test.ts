/**
 * The check knows when the publisher really runs (publish.cadence = the cron of publish.yml): a
 * post the cadence cannot reach within the lateness limit is an error, one that waits over an hour
 * is a warning saying when it goes out. And this repository's config matches its workflow.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scheduleRule } from '../../src/check/rules/schedule.ts';
import { defaultConfig } from '../../src/config/config.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { Diagnostic } from '../../src/diagnostic/diagnostic.ts';
import { configOf, postFrom, REPO } from './helpers.ts';

const config = { ...defaultConfig(), timezone: 'Europe/Warsaw' };
const NOW = Date.parse('2027-01-01T00:00:00Z');
const findings = (publishAt: string, c = config) =>
  scheduleRule(postFrom('Fresh rye today.', { publish_at: `"${publishAt}"`, channels: '[mastodon]' }, c), { config: c, now: NOW, root: '/repo', changed: true, allPosts: [] }) as Diagnostic[];

describe('schedule: the publisher cadence', () => {
  it('inside the publishing hours: no finding (summer and winter time)', () => {
    expect(findings('2027-04-10 09:00')).toEqual([]);
    expect(findings('2027-01-10 06:10')).toEqual([]);
    expect(findings('2027-07-10 22:30')).toEqual([]);
  });

  it('late at night: no run reaches it before the lateness limit, so it is an error naming the next run', () => {
    const [d, ...rest] = findings('2027-04-10 23:30');
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: 'error', ruleId: 'schedule' });
    expect(d!.message).toContain("the publisher's next run is 2027-04-11 07:07 Europe/Warsaw (UTC+02:00), 457 min later (cadence '7,37 5-20 * * *', UTC)");
    expect(d!.fix).toContain('publishing hours');
  });

  it('just before the first run of the day: a warning saying when it really goes out', () => {
    const [d] = findings('2027-01-10 05:00');
    expect(d).toMatchObject({ severity: 'warning', ruleId: 'schedule' });
    expect(d!.message).toContain('goes out at the next run, 2027-01-10 06:07 Europe/Warsaw (UTC+01:00) (67 min later)');
  });

  it('a team that ticks every 5 minutes (public repository) has no such finding', () => {
    expect(findings('2027-04-10 23:30', { ...config, publishCrons: ['*/5 * * * *'] })).toEqual([]);
  });

  it("this repository's publish.cadence is the cron of its publish workflow", async () => {
    const wf = parse(await readFile(join(REPO, '.github/workflows/publish.yml'), 'utf8')) as { on: { schedule: { cron: string }[] } };
    expect((await configOf(REPO)).publishCrons).toEqual(wf.on.schedule.map((s) => s.cron));
  });

  it('a bad cadence line in the config names the line, the field and the fix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'copydesk-cadence-'));
    try {
      await writeFile(join(dir, 'copydesk.config.yaml'), "timezone: Europe/Warsaw\npublish:\n  cadence: ['7 5-20 * *']\n");
      const r = await loadConfig(dir);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.problems[0]).toMatchObject({ line: 3, message: expect.stringContaining('`publish.cadence`: "7 5-20 * *" has 4 fields'), fix: expect.stringContaining('.github/workflows/publish.yml') });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
