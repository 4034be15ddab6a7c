/**
 * `npm start`: the main job on local defaults, no credentials needed.
 * 1. check every post, 2. show the upcoming schedule, 3. publish what is due to the local outbox
 * (state in .copydesk/state), 4. build the playbook site and serve it on localhost.
 * `npm start -- --no-serve` stops after the build (useful in scripts).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { serveStatic } from '../src/site/serve.ts';

const root = join(import.meta.dirname, '..');
const serve = !process.argv.includes('--no-serve');
const cli = join(root, 'scripts', 'copydesk.ts');
const astro = join(root, 'node_modules', 'astro', 'bin', 'astro.mjs');
const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };

function run(label: string, args: string[]): Promise<number> {
  process.stdout.write(`\n── ${label} ──\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const checked = await run('copydesk check: every post', [cli, 'check']);
await run('copydesk plan: the upcoming schedule', [cli, 'plan']);
const published = await run('copydesk publish: due posts to the local outbox', [cli, 'publish']);
const built = await run('playbook site: build', [astro, 'build']);
if (built !== 0) {
  process.stderr.write('\nThe site did not build; see the messages above.\n');
  process.exit(built);
}
if (checked !== 0) process.stdout.write('\nSome posts have errors (see `copydesk check` above): fix them before opening a pull request.\n');
if (published !== 0) process.stdout.write('\nThe publisher reported a problem (see above).\n');
if (serve) {
  const port = Number(process.env.PORT ?? 4321);
  const server = await serveStatic(join(root, 'dist'), { host: '127.0.0.1', port });
  process.stdout.write(`\nServing the playbook site on ${server.url} (Ctrl+C to stop)\n`);
} else process.exitCode = checked || published;
