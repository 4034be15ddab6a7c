/**
 * Child process for the reply crash test: sends the approved replies with the real Mastodon
 * channel and kills itself with SIGKILL the moment the instance accepted a status, before the
 * result can be recorded.
 */
import type { Channel } from '../../src/publish/channel.ts';
import { createMastodonChannel } from '../../src/publish/mastodon.ts';
import { sendReplies } from '../../src/feedback/reply-send.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { replyConfig } from './reply-helpers.ts';

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
await sendReplies({ store: createDirStore(env.STATE_DIR!), channels: () => channel, config: replyConfig(), now: () => new Date(env.NOW!), runId: 'doomed-run', dryRun: false, log: () => {} });
process.stdout.write('survived\n');
