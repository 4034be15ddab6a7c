/**
 * Child process for the crash test: publishes one post to the Mastodon fake with the real channel
 * and kills itself with SIGKILL the moment the network has accepted the status, before the result
 * can be recorded: a runner dying at the worst possible time.
 */
import type { Channel } from '../../src/publish/channel.ts';
import { createMastodonChannel } from '../../src/publish/mastodon.ts';
import { publish } from '../../src/publish/publisher.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { post, testConfig } from './publisher-helpers.ts';

const env = process.env as Record<string, string>;
const inner = createMastodonChannel({ instance: env.FAKE_URL!, token: env.FAKE_TOKEN!, timeoutMs: 5_000 });
const channel: Channel = {
  name: 'mastodon',
  find: (p) => inner.find(p),
  async send(p) {
    const r = await inner.send(p);
    if (r.status === 'sent') process.kill(process.pid, 'SIGKILL');
    return r;
  },
};
await publish({
  posts: [post({ id: env.POST_ID!, at: env.POST_AT! })],
  store: createDirStore(env.STATE_DIR!),
  channels: () => channel,
  config: testConfig(),
  now: () => new Date(env.NOW!),
  runId: 'doomed-run',
  dryRun: false,
  log: () => {},
});
process.stdout.write('survived\n');
