/**
 * Child process for the retraction crash test: retracts one post with the real Mastodon channel
 * against the Mastodon fake and kills itself with SIGKILL the moment the instance has deleted the
 * status, before the result can be recorded: a runner dying at the worst possible time.
 */
import type { Channel } from '../../src/publish/channel.ts';
import { createMastodonChannel } from '../../src/publish/mastodon.ts';
import { retract } from '../../src/retract/retract.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { testConfig } from '../publish/publisher-helpers.ts';

const env = process.env as Record<string, string>;
const inner = createMastodonChannel({ instance: env.FAKE_URL!, token: env.FAKE_TOKEN!, timeoutMs: 5_000 });
const channel: Channel = {
  ...inner,
  name: 'mastodon',
  async remove(ref, network) {
    const r = await inner.remove!(ref, network);
    if (r.status === 'removed') process.kill(process.pid, 'SIGKILL');
    return r;
  },
};
await retract({
  postId: env.POST_ID!, reason: 'wrong date', by: 'ana', store: createDirStore(env.STATE_DIR!), channels: () => channel, posts: [], config: testConfig(),
  now: () => new Date(env.NOW!), runId: 'doomed-run', dryRun: false, log: () => {}, waitMs: 0,
});
process.stdout.write('survived\n');
