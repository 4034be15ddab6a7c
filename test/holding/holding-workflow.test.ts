/**
 * A holding statement must never be cancelled by a publish tick queued behind it. GitHub keeps one
 * pending run per concurrency group and cancels it when a newer run queues in the same group
 * (https://docs.github.com/actions/writing-workflows/choosing-what-your-workflow-does/control-the-concurrency-of-workflows-and-jobs),
 * so holding.yml shares no group with any workflow and never cancels in progress. Sending beside
 * the publisher is safe without a group: the ledger's compare-and-swap (holding.test.ts, "two
 * dispatches at the same moment from two machines").
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const DIR = join(import.meta.dirname, '../../.github/workflows');
type Concurrency = string | { group: string; 'cancel-in-progress'?: unknown } | undefined;
interface Workflow { concurrency?: Concurrency; jobs: Record<string, { concurrency?: Concurrency }> }

/** Every concurrency setting of a workflow (workflow level and per job). */
function groups(wf: Workflow): { group: string; cancel: unknown }[] {
  return [wf.concurrency, ...Object.values(wf.jobs).map((j) => j.concurrency)]
    .filter((c): c is Exclude<Concurrency, undefined> => c !== undefined)
    .map((c) => (typeof c === 'string' ? { group: c, cancel: false } : { group: c.group, cancel: c['cancel-in-progress'] ?? false }));
}

/** Two group templates can evaluate to the same name only if one's literal start is a start of the other's. */
function mayCollide(a: string, b: string): boolean {
  const lit = (g: string) => g.split('${{')[0]!;
  const [x, y] = [lit(a), lit(b)];
  const fixed = (g: string) => !g.includes('${{');
  if (fixed(a) && fixed(b)) return a === b;
  if (fixed(a)) return a.startsWith(y);
  if (fixed(b)) return b.startsWith(x);
  return x.startsWith(y) || y.startsWith(x);
}

describe('holding.yml concurrency', () => {
  it('shares no concurrency group with any other workflow and never cancels in progress', async () => {
    const all = new Map<string, Workflow>();
    for (const f of (await readdir(DIR)).filter((n) => /\.ya?ml$/.test(n))) all.set(f, parseYaml(await readFile(join(DIR, f), 'utf8')) as Workflow);
    const holding = groups(all.get('holding.yml')!);
    for (const h of holding) {
      expect(h.cancel, `holding group ${h.group}`).toBe(false);
      for (const [name, wf] of all) {
        if (name === 'holding.yml') continue;
        for (const other of groups(wf)) expect(mayCollide(h.group, other.group), `holding.yml group "${h.group}" vs ${name} "${other.group}"`).toBe(false);
      }
    }
    // The publisher keeps its own group: two publishers never overlap.
    expect(groups(all.get('publish.yml')!).map((g) => g.group)).toEqual(['copydesk-publish']);
  });

  it('the collision rule itself tells shared groups apart', () => {
    expect(mayCollide('copydesk-publish', 'copydesk-publish')).toBe(true);
    expect(mayCollide('copydesk-${{ inputs.x }}', 'copydesk-publish')).toBe(true);
    expect(mayCollide('copydesk-holding-${{ github.run_id }}', 'copydesk-publish')).toBe(false);
  });
});
