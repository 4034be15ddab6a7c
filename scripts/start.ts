/**
 * `npm start`: a DEMO of the whole product on a fresh clone, no credentials, nothing leaves the
 * machine. Every shipped example is in the future, so on the real clock nothing would go out; the
 * demo runs at a simulated time instead, in a throwaway copy of the posts, config and playbook:
 *   1. check every post (the real repository, the real clock: what a pull request would see);
 *   2. show the schedule, then publish what is due, at the simulated time, to the demo's outbox/;
 *   3. build the playbook site at that time (the post shows as sent) and serve it on localhost.
 *
 * Options: `--at <ISO time>` the simulated time (default: 5 minutes after the first post's time);
 * `--no-serve` stop after the build; `--keep` keep the demo folder (its path is printed);
 * `--out-dir <folder>` build the site there instead of dist/ (tests).
 * This is an entry point: it reads the clock and the environment, and hands the simulated time to
 * the commands as COPYDESK_NOW (scripts/copydesk.ts, astro.config.mjs).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load-config.ts';
import { loadPosts } from '../src/post/load-posts.ts';
import { fmtInZone } from '../src/post/time.ts';
import { OUTBOX_DIR } from '../src/publish/outbox.ts';
import { serveStatic } from '../src/site/serve.ts';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const serve = !args.includes('--no-serve');
const keep = args.includes('--keep');
const atArg = args.includes('--at') ? args[args.indexOf('--at') + 1] : undefined;
const outDir = args.includes('--out-dir') ? args[args.indexOf('--out-dir') + 1]! : join(root, 'dist');
const cli = join(root, 'scripts', 'copydesk.ts');
const astro = join(root, 'node_modules', 'astro', 'bin', 'astro.mjs');

function run(label: string, argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  process.stdout.write(`\n── ${label} ──\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const loaded = await loadConfig(root);
if (!loaded.ok) {
  for (const p of loaded.problems) process.stderr.write(`${p.file}:${p.line}: ${p.message}${p.fix ? ` ${p.fix}` : ''}\n`);
  process.exit(1);
}
const config = loaded.config;
const { posts } = await loadPosts(root, config);
const first = Math.min(...posts.map((p) => p.publishAt ?? Infinity));
const simulated = atArg ? Date.parse(atArg) : Number.isFinite(first) ? first + 5 * 60_000 : Date.now();
if (Number.isNaN(simulated)) {
  process.stderr.write(`npm start: --at "${atArg}" is not a date-time (use ISO 8601, e.g. 2027-03-15T08:05:00Z)\n`);
  process.exit(2);
}
const simulatedIso = new Date(simulated).toISOString();

// The demo's own repository: copies of what the commands read; its state and outbox die with it.
const demo = await mkdtemp(join(tmpdir(), 'copydesk-demo-'));
for (const part of ['posts', 'playbook', 'copydesk.config.yaml']) if (existsSync(join(root, part))) await cp(join(root, part), join(demo, part), { recursive: true });
const base: NodeJS.ProcessEnv = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
// Never the state branch or a network from the demo, even when run inside GitHub Actions.
delete base.GITHUB_ACTIONS;
delete base.COPYDESK_STATE;
for (const secret of ['BLUESKY_APP_PASSWORD', 'MASTODON_TOKEN', 'THREADS_ACCESS_TOKEN', 'GITHUB_TOKEN']) delete base[secret];
const demoEnv = { ...base, COPYDESK_ROOT: demo, COPYDESK_NOW: simulatedIso };
const when = fmtInZone(simulated, config.timezone);

process.stdout.write(`copydesk demo: a simulated publishing run at ${when}, in a throwaway folder (${demo}).\nNothing is sent to any network: due posts go to the demo's ${OUTBOX_DIR}/ folder.\n`);
const checked = await run('copydesk check: every post (your repository, today)', [cli, 'check'], base);
await run(`DEMO · copydesk plan at ${when}`, [cli, 'plan'], demoEnv);
const published = await run(`DEMO · copydesk publish at ${when}: due posts to the outbox`, [cli, 'publish'], demoEnv);
const outbox = join(demo, OUTBOX_DIR);
const sent = existsSync(outbox) ? (await Promise.all((await readdir(outbox)).map(async (n) => (await readdir(join(outbox, n))).map((f) => `${OUTBOX_DIR}/${n}/${f}`)))).flat() : [];
process.stdout.write(sent.length ? `\nIn the demo's outbox (${outbox}):\n${sent.map((f) => `  ${f}`).join('\n')}\n` : '\nNothing was due at the simulated time (try `npm start -- --at <time of a post>`).\n');

const built = existsSync(astro) ? await run(`DEMO · playbook site at ${when}`, [astro, 'build', '--outDir', outDir], demoEnv) : -1;
if (!keep) await rm(demo, { recursive: true, force: true });
if (built === -1) {
  process.stderr.write('\nThe site stack is not installed (it comes with `npm ci`, and is left out by `npm ci --omit=dev`): run `npm ci`.\n');
  process.exit(1);
}
if (built !== 0) {
  process.stderr.write('\nThe site did not build; see the messages above.\n');
  process.exit(built);
}
if (checked !== 0) process.stdout.write('\nSome posts have errors (see `copydesk check` above): fix them before opening a pull request.\n');
if (published !== 0) process.stdout.write('\nThe publisher reported a problem (see above).\n');
if (serve) {
  const port = Number(process.env.PORT ?? 4321);
  const server = await serveStatic(outDir, { host: '127.0.0.1', port });
  process.stdout.write(`\nServing the DEMO site (simulated time ${when}) on ${server.url} — see Status and Calendar for the sent post. Ctrl+C to stop.\n`);
} else process.exitCode = checked || published;
