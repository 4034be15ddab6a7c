import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.ts';

describe('parseConfig', () => {
  it('reads settings and keeps defaults for the rest', () => {
    const r = parseConfig('timezone: Europe/Warsaw\nchannels:\n  mastodon:\n    max_characters: 1000\nwatchlist:\n  - flood\n  - term: outage\n    reason: server down\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.timezone).toBe('Europe/Warsaw');
    expect(r.config.channels.mastodon.maxCharacters).toBe(1000);
    expect(r.config.channels.enabled).toEqual(['mastodon']);
    expect(r.config.watchlist).toEqual([{ term: 'flood' }, { term: 'outage', reason: 'server down' }]);
    expect(r.config.sensitiveTopics.politics).toContain('election');
  });

  it('names line and field of mistakes', () => {
    const r = parseConfig('timezone: Mars/Olympus\npublish:\n  max_lateness_minutes: soon\ntimezon: UTC\n');
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.line, p.ruleId])).toEqual(expect.arrayContaining([[1, 'config'], [3, 'config'], [4, 'config']]));
    expect(r.problems.find((p) => p.line === 4)!.fix).toContain('timezone');
  });

  it('refuses a secret value in the credentials register', () => {
    const r = parseConfig('credentials:\n  - account: a\n    network: bluesky\n    owner: A\n    secret: X\n    password: hunter2\n');
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r.problems)).not.toContain('hunter2');
  });

  it('reads quiet periods in the team zone and refuses reversed ones', () => {
    const ok = parseConfig('timezone: Europe/Warsaw\nquiet_periods:\n  - {from: "2027-12-24 00:00", until: "2027-12-27 00:00", reason: Christmas}\n');
    expect(ok.ok && new Date(ok.config.quietPeriods[0]!.from).toISOString()).toBe('2027-12-23T23:00:00.000Z');
    expect(parseConfig('quiet_periods:\n  - {from: "2027-12-27 00:00", until: "2027-12-24 00:00"}\n').ok).toBe(false);
  });
});
