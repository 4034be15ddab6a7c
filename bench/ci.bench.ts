/**
 * The whole CI job, run the way CI runs it (goal ≤ 8 min): a fresh clone of the committed tree,
 * a NEW empty home directory (so npm's cache and the kept better-sqlite3 addon are cold, as on a
 * fresh machine), then `.ci/run` itself: Node, installs, workflow lint, every test. Prints the
 * wall time of each phase, read off the job's own output as it arrives, and exits 1 when the goal
 * is missed or the job fails.
 *
 * Node 24 is downloaded again (.ci/use-node.sh keeps it under the new home's ~/.cache). What the
 * machine already has from Debian is not re-installed (chromium, postgresql, redis-server): on a
 * machine without them, .ci/run installs them first and the job takes that much longer.
 *
 * Ten minutes of a 2-core machine, so it runs only when asked: `npm run bench ci`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..');
const GOAL_S = 8 * 60;

const work = await mkdtemp(join(tmpdir(), 'copydesk-ci-bench-'));
const clone = join(work, 'clone');
const home = join(work, 'home');
execFileSync('git', ['clone', '--quiet', REPO, clone]);
await mkdir(home);

const log = join(work, 'ci.log');
const out = createWriteStream(log);
const t0 = performance.now();
const at = () => (performance.now() - t0) / 1000;
const marks: [string, number][] = [];
// The first line of each phase, as .ci/run and npm print it.
const PHASES: [RegExp, string][] = [
  [/^node v\d+/, 'Node ready'],
  [/^added \d+ packages/, 'first install'],
  [/^linting workflows/, 'installs done'],
  [/RUN\s+v\d/, 'tests started'],
];
const load0 = loadavg()[0]!;
const code = await new Promise<number>((resolve) => {
  const child = spawn('bash', ['.ci/run'], { cwd: clone, env: { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, '.cache'), CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  const onData = (chunk: Buffer) => {
    out.write(chunk);
    buf += chunk.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).replace(/\x1b\[[0-9;]*m/g, '');
      buf = buf.slice(nl + 1);
      for (const [re, name] of PHASES) if (re.test(line) && !marks.some(([n]) => n === name)) marks.push([name, at()]);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.on('close', (c) => resolve(c ?? 1));
});
const total = at();
out.end();
const fmt = (s: number) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
console.log(`.ci/run on a fresh clone with a cold npm cache (load average ${load0.toFixed(1)} at start; log: ${log})`);
let prev = 0;
for (const [name, s] of marks) {
  console.log(`  ${name.padEnd(14)} at ${fmt(s).padStart(12)}  (+${(s - prev).toFixed(0)} s)`);
  prev = s;
}
console.log(`  ${'finished'.padEnd(14)} at ${fmt(total).padStart(12)}  (+${(total - prev).toFixed(0)} s), exit ${code}`);
const ok = code === 0 && total <= GOAL_S;
console.log(`whole job: ${fmt(total)} (goal ≤ ${fmt(GOAL_S)}: ${total <= GOAL_S ? 'met' : 'MISSED'})${code === 0 ? '' : ' — the job FAILED, see the log'}`);
if (code === 0) await rm(work, { recursive: true, force: true });
process.exitCode = ok ? 0 : 1;
