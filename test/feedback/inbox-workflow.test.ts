/** The collector's step in the scheduled publisher job (.github/workflows/publish.yml). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';

const wf = parse(await readFile(join(import.meta.dirname, '../../.github/workflows/publish.yml'), 'utf8')) as {
  on: { schedule: { cron: string }[] };
  jobs: Record<string, { steps: { name?: string; id?: string; run?: string; if?: string; env?: Record<string, string>; 'continue-on-error'?: boolean }[] }>;
};

describe('publish.yml runs inbox collect', () => {
  const steps = wf.jobs.publish!.steps;
  const publish = steps.findIndex((s) => s.id === 'publish');
  const collect = steps.findIndex((s) => s.run?.trim() === 'node scripts/copydesk.ts inbox collect');

  test('as its own step after publishing, on the same tick (no new schedule), never failing the job', () => {
    expect(publish).toBeGreaterThanOrEqual(0);
    expect(collect).toBeGreaterThan(publish);
    expect(wf.on.schedule).toHaveLength(1);
    expect(steps[collect]!['continue-on-error']).toBe(true);
    // A failed publish step must not stop the inbox; a dry run reads nothing.
    expect(steps[collect]!.if).toContain('!cancelled()');
    expect(steps[collect]!.if).toContain('inputs.dry_run != true');
  });

  test('with only the network credentials it needs', () => {
    expect(Object.keys(steps[collect]!.env ?? {}).sort()).toEqual(['BLUESKY_APP_PASSWORD', 'BLUESKY_IDENTIFIER', 'MASTODON_TOKEN']);
  });
});
