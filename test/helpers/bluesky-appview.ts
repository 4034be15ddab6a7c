/**
 * A real local Bluesky network WITH its AppView, for the feedback inbox: `@atproto/dev-env`'s
 * TestNetwork runs PLC, a PDS, the AppView (bsky: it serves listNotifications, getPostThread and the
 * notification preferences), bsync and ozone in this process, on PostgreSQL and Redis started by
 * appview-services.ts. Start it once per test file (`beforeAll`); each file gets its own schema.
 *
 * As in bluesky-server.ts: every server is bound to 127.0.0.1, and the data folders go into a fresh
 * TMPDIR deleted on close. The AppView indexes what the PDS writes asynchronously: call
 * `settle()` after writing and before reading notifications.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AtpAgent } from '@atproto/api';
import { TestNetwork } from '@atproto/dev-env';
import { startAppViewServices } from './appview-services.ts';

/** An account on the local network, logged in with its main password. */
export interface AppViewAccount {
  handle: string;
  did: string;
  /** An app password (what copydesk gets). */
  appPassword: string;
  /** Logged in as this account, through the PDS (app.bsky calls go to the AppView). */
  agent: AtpAgent;
}

export interface BlueskyAppView {
  /** PDS URL (copydesk's `channels.bluesky.service`). */
  service: string;
  /** Create `<name>.test`. */
  createAccount(name: string): Promise<AppViewAccount>;
  /** Wait until the AppView has indexed everything the PDS wrote. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

const PASSWORD = 'main-password-never-given-to-copydesk';

export async function startBlueskyAppView(schema: string): Promise<BlueskyAppView> {
  const services = await startAppViewServices();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'copydesk-appview-'));
  const previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = dataDir;
  // TestNetwork.create reads the Redis host from the environment only (dev-env dist/network.js).
  const previousRedis = process.env.REDIS_HOST;
  process.env.REDIS_HOST = services.redisHost;
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    if (typeof args[0] === 'number' && typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
    return (listen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof listen;
  const restore = async () => {
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
    if (previousRedis === undefined) delete process.env.REDIS_HOST;
    else process.env.REDIS_HOST = previousRedis;
    await rm(dataDir, { recursive: true, force: true });
    await services.stop();
  };
  let network: TestNetwork;
  try {
    network = await TestNetwork.create({ dbPostgresUrl: services.postgresUrl, dbPostgresSchema: schema });
  } catch (err) {
    await restore();
    throw err;
  } finally {
    net.Server.prototype.listen = listen;
  }
  const service = network.pds.url;
  return {
    service,
    async createAccount(name) {
      const agent = new AtpAgent({ service });
      const handle = `${name}.test`;
      const res = await agent.createAccount({ email: `${name}@example.test`, handle, password: PASSWORD });
      const app = await agent.com.atproto.server.createAppPassword({ name: 'copydesk' });
      return { handle, did: res.data.did, appPassword: app.data.password, agent };
    },
    settle: () => network.processAll(),
    async close() {
      try {
        await network.close();
      } finally {
        await restore();
      }
    },
  };
}
