/**
 * Child process for the Threads crash test: publishes one post to the Threads fake with the real
 * channel and kills itself with SIGKILL the moment Threads has published it (the answer to
 * `threads_publish` is in), before the result can be recorded.
 */
import type { Channel } from '../../src/publish/channel.ts';
import { createThreadsChannel } from '../../src/publish/threads.ts';
import { publish } from '../../src/publish/publisher.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { post, testConfig } from './publisher-helpers.ts';

const env = process.env as Record<string, string>;
const inner = createThreadsChannel({ api: env.FAKE_URL!, userId: env.FAKE_USER!, token: env.FAKE_TOKEN!, pollMs: 0, sleep: async () => {} });
const channel: Channel = {
  name: 'threads',
  find: (p) => inner.find(p),
  async send(p) {
    const r = await inner.send(p);
    if (r.status === 'sent') process.kill(process.pid, 'SIGKILL');
    return r;
  },
};
const base = testConfig();
const config = testConfig({ channels: { ...base.channels, enabled: ['threads'] } });
await publish({
  posts: [post({ id: env.POST_ID!, at: env.POST_AT!, channels: ['threads'] }, config)],
  store: createDirStore(env.STATE_DIR!),
  channels: () => channel,
  config,
  now: () => new Date(env.NOW!),
  runId: 'doomed-run',
  dryRun: false,
  log: () => {},
});
process.stdout.write('survived\n');
