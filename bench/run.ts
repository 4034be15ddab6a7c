/** `npm run bench`: runs every `bench/*.bench.ts` in turn, each in its own process, and prints their figures. */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestTooling } from '../scripts/test-tooling.ts';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
// The whole-CI bench takes ten minutes of the machine: only when named (`npm run bench ci`).
const ON_REQUEST = new Set(['ci.bench.ts']);
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && (only.length === 0 ? !ON_REQUEST.has(f) : only.some((o) => f === o || f === `${o}.bench.ts` || (!ON_REQUEST.has(f) && f.includes(o))))).sort();
// The check bench compares against alex, which comes with the test tooling.
if (!ensureTestTooling()) process.exit(1);
let failures = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, [join(dir, f)], { stdio: 'inherit', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
  if (r.status !== 0) failures++;
}
if (!files.length) console.log('no benchmarks found');
process.exitCode = failures ? 1 : 0;
