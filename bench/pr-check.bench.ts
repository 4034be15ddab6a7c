/**
 * The pull-request check job, timed the way .github/workflows/check.yml runs it (goal ≤ 45 s):
 * a fresh shallow clone (depth 2, like `actions/checkout` with fetch-depth: 2), the workflow's own
 * install command on a COLD npm cache, then the workflow's own check command. Also times the
 * quick start's install (`npm ci`, the CLI and the site; goal ≤ 120 s) on a cold cache.
 * The commands are read from the workflow file, so the bench cannot drift from what CI runs.
 * Run: `node bench/pr-check.bench.ts` (or `npm run bench pr-check`). Exits 1 when a goal is missed.
 * Needs the network (the npm registry), like the job itself.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const REPO = join(import.meta.dirname, '..');
interface Step { name?: string; run?: string; uses?: string }
const wf = parse(await readFile(join(REPO, '.github/workflows/check.yml'), 'utf8')) as { jobs: { check: { steps: Step[] } } };
const steps = wf.jobs.check.steps;
const install = steps.find((s) => s.run?.startsWith('npm ci'))!.run!;
const check = steps.find((s) => s.run?.includes('copydesk.ts check'))!.run!;

const goal = (ok: boolean) => (ok ? 'met' : 'MISSED');
function timed(label: string, cmd: string, cwd: string, env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', cmd], { cwd, env, encoding: 'utf8' });
  const s = (performance.now() - t0) / 1000;
  // The check exits 1 on findings; only a crash (or a failed install) is a bench failure.
  if (r.status !== 0 && !(label === 'check' && r.status === 1)) {
    console.error(`${label} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    process.exit(1);
  }
  console.log(`  ${label.padEnd(8)} ${s.toFixed(1)} s   ${cmd}`);
  return s;
}

const work = await mkdtemp(join(tmpdir(), 'copydesk-pr-bench-'));
let failed = false;
try {
  // The committed tree (not the working copy): what a fresh clone sees.
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
  const branch = execFileSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
  for (const [name, cmd, limit] of [['PR check job', install, 45], ['quick start install', 'npm ci --no-audit --no-fund', 120]] as const) {
    const cache = join(work, `cache-${name.length}`);
    const clone = join(work, `clone-${name.length}`);
    const env = { ...process.env, npm_config_cache: cache, CI: 'true', BASE_REF: 'main', PR_NUMBER: '1', PR_HEAD_SHA: head };
    console.log(`${name} (fresh clone, cold npm cache):`);
    let total = timed('clone', `git clone --quiet --no-local --depth 2 --branch ${branch} "file://${REPO}" "${clone}" && git -C "${clone}" checkout --quiet ${head}`, work, env);
    total += timed('install', cmd, clone, env);
    if (name === 'PR check job') total += timed('check', check, clone, env);
    console.log(`  total    ${total.toFixed(1)} s (goal ≤ ${limit} s): ${goal(total <= limit)}`);
    failed ||= total > limit;
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
