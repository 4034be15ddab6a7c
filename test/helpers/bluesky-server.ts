/**
 * A real Bluesky PDS for tests: `@atproto/dev-env`'s TestNetworkNoAppView runs a PLC directory (in
 * memory) and a PDS (SQLite + disk blobstore) inside this process. Heavy (~3 s to import, ~0.5 GB):
 * start it once per test file, in `beforeAll`.
 *
 * Two things the dev-env does not do for us:
 * - it listens on all interfaces; we bind every server it starts to 127.0.0.1;
 * - it writes its data folders into os.tmpdir(); we point TMPDIR at a fresh folder for the
 *   lifetime of the network and delete it on close, so runs never share or leak state.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AtpAgent } from '@atproto/api';
import { TestNetworkNoAppView } from '@atproto/dev-env';

/** One account on the test PDS. */
export interface TestAccount {
  /** Handle, e.g. `alice.test`. */
  handle: string;
  /** The account's DID. */
  did: string;
  /** An app password (what copydesk is given in production), not the main password. */
  appPassword: string;
}

/** A running local Bluesky network. */
export interface BlueskyServer {
  /** Base URL of the PDS, for `createBlueskyChannel({ service })`. */
  service: string;
  /** The account the channel publishes as. */
  handle: string;
  /** Its DID. */
  did: string;
  /** Its app password. */
  password: string;
  /** An agent logged in as that account (main password), for reading records back. */
  agent: AtpAgent;
  /** Create another account (e.g. someone to mention). `name` becomes `<name>.test`. */
  createAccount(name: string): Promise<TestAccount>;
  /** Stop the PDS and PLC and delete their data. */
  close(): Promise<void>;
}

const MAIN_PASSWORD = 'main-password-never-given-to-copydesk';

/** Start PLC + PDS on 127.0.0.1 and create the publishing account `<name>.test`. */
export async function startBlueskyServer(name = 'copydesk'): Promise<BlueskyServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'copydesk-pds-'));
  const previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = dataDir;

  // Both the PDS and the PLC server call `app.listen(port)` with no host; add one while they start.
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    if (typeof args[0] === 'number' && typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
    return (listen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof listen;
  let network: TestNetworkNoAppView;
  try {
    network = await TestNetworkNoAppView.create({});
  } catch (err) {
    process.env.TMPDIR = previousTmp;
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  } finally {
    net.Server.prototype.listen = listen;
  }

  const service = network.pds.url;
  const createAccount = async (account: string): Promise<TestAccount> => {
    const agent = new AtpAgent({ service });
    const handle = `${account}.test`;
    const res = await agent.createAccount({ email: `${account}@example.test`, handle, password: MAIN_PASSWORD });
    const app = await agent.com.atproto.server.createAppPassword({ name: 'copydesk' });
    return { handle, did: res.data.did, appPassword: app.data.password };
  };

  const main = await createAccount(name);
  const agent = new AtpAgent({ service });
  await agent.login({ identifier: main.handle, password: MAIN_PASSWORD });

  return {
    service,
    handle: main.handle,
    did: main.did,
    password: main.appPassword,
    agent,
    createAccount,
    async close() {
      try {
        await network.close();
      } finally {
        if (previousTmp === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = previousTmp;
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}
