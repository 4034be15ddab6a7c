/**
 * PostgreSQL and Redis for the Bluesky AppView in tests (`@atproto/dev-env`'s TestNetwork reads
 * `DB_POSTGRES_URL` and `REDIS_HOST`). Both are started from the Debian binaries on free loopback
 * ports, with their data in a fresh temporary folder, and stopped (and the folder deleted) by
 * `stop()`. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
 *
 * When a binary is missing this throws one clear error naming the package to install (never a
 * skip: a skipped Bluesky suite would pass CI while testing nothing). `.ci/run` installs both.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Running database servers for one test file. */
export interface AppViewServices {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres`. */
  postgresUrl: string;
  /** `127.0.0.1:<port>` (TestNetwork's `REDIS_HOST`). */
  redisHost: string;
  /** Stop both servers and delete their data. */
  stop(): Promise<void>;
}

const PG_BIN_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];

function findPgBin(dirs: readonly string[]): string | undefined {
  return dirs.find((d) => existsSync(path.join(d, 'initdb')) && existsSync(path.join(d, 'postgres')));
}

const REDIS_PATHS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];

function findRedis(paths: readonly string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

/** Where to look for the binaries (the Debian locations by default; tests of this helper pass others). */
export interface AppViewServicesOptions {
  pgBinDirs?: readonly string[];
  redisPaths?: readonly string[];
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Wait until something accepts TCP connections on the port (or the process exits). */
async function waitForPort(port: number, proc: ChildProcess, what: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with code ${proc.exitCode}:\n${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within 30 s:\n${output()}`);
}

function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

/** Start PostgreSQL and Redis on free loopback ports. */
export async function startAppViewServices(opts: AppViewServicesOptions = {}): Promise<AppViewServices> {
  const pgBin = findPgBin(opts.pgBinDirs ?? PG_BIN_DIRS);
  const redis = findRedis(opts.redisPaths ?? REDIS_PATHS);
  const missing = [!pgBin && 'postgresql (initdb, postgres)', !redis && 'redis-server'].filter(Boolean);
  if (missing.length) {
    throw new Error(
      `The Bluesky AppView tests need ${missing.join(' and ')}, which are not installed. ` +
        'Install them with `apt-get install -y postgresql redis-server` (Debian; .ci/run does it), then run the tests again.',
    );
  }
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'copydesk-appview-db-'));
  const pgData = path.join(dir, 'pg');
  const wrap = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  let pg: ChildProcess | undefined;
  let rd: ChildProcess | undefined;
  const stop = async () => {
    await Promise.all([pg && stopProcess(pg), rd && stopProcess(rd)]);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (asRoot) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const uid = Number(stdout.trim());
      const { stdout: g } = await run('id', ['-g', 'postgres']);
      await chmod(dir, 0o755);
      await chown(dir, uid, Number(g.trim()));
    }
    const [initCmd, initArgs] = wrap(path.join(pgBin!, 'initdb'), ['-D', pgData, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    await run(initCmd, initArgs);
    const pgPort = await freePort();
    // fsync off and no unix socket outside the data folder: a throwaway server, fast and isolated.
    const [pgCmd, pgArgs] = wrap(path.join(pgBin!, 'postgres'), [
      '-D', pgData, '-p', String(pgPort), '-k', pgData,
      '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
      '-c', 'max_connections=200',
    ]);
    let pgOut = '';
    pg = spawn(pgCmd, pgArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    pg.stdout!.on('data', (b: Buffer) => (pgOut += b.toString()));
    pg.stderr!.on('data', (b: Buffer) => (pgOut += b.toString()));

    const redisPort = await freePort();
    let rdOut = '';
    rd = spawn(redis!, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    rd.stdout!.on('data', (b: Buffer) => (rdOut += b.toString()));
    rd.stderr!.on('data', (b: Buffer) => (rdOut += b.toString()));

    await waitForPort(pgPort, pg, 'postgres', () => pgOut);
    await waitForPort(redisPort, rd, 'redis-server', () => rdOut);
    return { postgresUrl: `postgresql://postgres@127.0.0.1:${pgPort}/postgres`, redisHost: `127.0.0.1:${redisPort}`, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
