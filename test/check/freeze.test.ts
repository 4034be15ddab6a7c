/**
 * While publishing is frozen, every check run says so (reason, who, since), in every format;
 * a state store that cannot be read is a note, never a failure.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freezeLines } from '../../src/check/freeze-note.ts';
import { copyFixture, runCommand } from './helpers.ts';

const freeze = { id: 'f-1', reason: 'flooding in the region', by: 'anna', since: '2027-01-01T08:00:00.000Z', terms: [], tags: [], source: 'cli' };

describe('freeze banner', () => {
  it('human and json output say publishing is frozen, with reason, who and since', async () => {
    const root = await copyFixture('rules');
    await mkdir(join(root, '.copydesk', 'state'), { recursive: true });
    await writeFile(join(root, '.copydesk', 'state', 'freeze.json'), JSON.stringify({ active: [freeze] }));
    const [human, json] = await Promise.all([
      runCommand(['posts/length-pass.md'], { root }),
      runCommand(['posts/length-pass.md', '--format', 'json'], { root }),
    ]);
    expect(human.stdout.split('\n')[0]).toBe('Publishing is FROZEN: nothing goes out until someone thaws it. Reason: flooding in the region (by anna, since 2027-01-01T08:00:00.000Z).');
    expect(human.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([]);
    expect(json.stderr).toContain('copydesk: Publishing is FROZEN');
  });

  it('a partial freeze names what it holds', () => {
    expect(freezeLines([{ ...freeze, terms: ['flood'], tags: ['promo'] }])).toEqual(['Publishing is partly frozen: posts mentioning "flood" or tagged promo are held. Reason: flooding in the region (by anna, since 2027-01-01T08:00:00.000Z).']);
  });
});
