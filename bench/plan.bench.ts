/**
 * Publisher figures: how long planning takes for 10,000 posts (goal ≤ 1 s), and how many network
 * calls an idle tick makes (goal 0: nothing due means no login anywhere).
 * Run: `node bench/plan.bench.ts` (or `npm run bench plan`). Exits 1 when a goal is missed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../src/config/config.ts';
import type { Freeze, FreezeLogEvent } from '../src/freeze/freeze-state.ts';
import { parsePost } from '../src/post/parse-post.ts';
import type { Post } from '../src/post/post.ts';
import { resolveChannels } from '../src/publish/channels.ts';
import { publish } from '../src/publish/publisher.ts';
import type { LedgerEvent } from '../src/schedule/ledger.ts';
import { recordEvents } from '../src/schedule/ledger.ts';
import { plan } from '../src/schedule/plan.ts';
import { createDirStore } from '../src/state/dir-store.ts';

const config = { ...defaultConfig(), timezone: 'Europe/Warsaw', minSpacingMinutes: 30, maxPerRun: 3, maxLatenessMinutes: 120 };
const NOW = Date.parse('2027-06-01T10:00:00Z');
const MIN = 60_000;

function makePosts(n: number): { posts: Post[]; events: LedgerEvent[] } {
  const posts: Post[] = [];
  const events: LedgerEvent[] = [];
  for (let i = 0; i < n; i++) {
    // Spread over two years around NOW, every 100 minutes; some threads, some tags.
    const at = new Date(NOW - (n / 2 - i) * 100 * MIN).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const text = i % 7 === 0 ? `Thread ${i}, part one.\n---\nPart two of ${i}.\n---\nPart three.` : `Post number ${i}: fresh bread ${i % 13 === 0 ? 'and flood relief' : 'today'}.`;
    const src = `---\nid: p${i}\npublish_at: "${at}"\nchannels: [bluesky, mastodon]\n${i % 5 === 0 ? 'tags: [promo]\n' : ''}---\n${text}\n`;
    const r = parsePost({ file: `posts/p${i}.md`, root: '/repo', bytes: new TextEncoder().encode(src), config });
    if (!r.ok) throw new Error(r.problems[0]!.message);
    posts.push(r.post);
    const t = Date.parse(at);
    if (t < NOW - 3 * 60 * MIN) {
      for (const network of ['bluesky', 'mastodon'] as const) {
        for (let part = 0; part < r.post.parts.length; part++) {
          const when = new Date(t + MIN).toISOString();
          events.push({ at: when, postId: r.post.id, network, part, state: 'intent', via: network, runId: 'r' });
          events.push({ at: when, postId: r.post.id, network, part, state: 'sent', via: network, runId: 'r', ref: { id: `${i}-${part}` } });
        }
      }
    }
  }
  return { posts, events };
}

let failed = false;
const goal = (ok: boolean) => (ok ? 'ok' : ((failed = true), 'MISSED'));

// 1. Planning 10,000 posts.
const t0 = performance.now();
const { posts, events } = makePosts(10_000);
const parseMs = performance.now() - t0;
const freeze: Freeze = { id: 'f', reason: 'storm', by: 'anna', since: new Date(NOW - 60 * MIN).toISOString(), terms: ['flood'], tags: ['promo'], source: 'cli' };
const log: FreezeLogEvent[] = [
  { at: new Date(NOW - 30 * 24 * 60 * MIN).toISOString(), action: 'freeze', freeze: { ...freeze, id: 'old', terms: [], tags: [] } },
  { at: new Date(NOW - 29 * 24 * 60 * MIN).toISOString(), action: 'thaw', freeze: { ...freeze, id: 'old', terms: [], tags: [] } },
];
const times: number[] = [];
let decisions = 0;
for (let i = 0; i < 7; i++) {
  const s = performance.now();
  decisions = plan({ posts, events, freezes: [freeze], freezeLog: log, config, now: NOW, credentials: 'outbox' }).length;
  times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
const median = times[3]!;
console.log(`plan: ${posts.length.toLocaleString('en')} posts, ${events.length.toLocaleString('en')} ledger events, ${decisions.toLocaleString('en')} decisions`);
console.log(`  median ${median.toFixed(1)} ms, worst ${times.at(-1)!.toFixed(1)} ms over 7 runs (goal ≤ 1000 ms): ${goal(median <= 1000)}`);
console.log(`  (parsing the 10,000 posts took ${parseMs.toFixed(0)} ms, not counted)`);

// 2. An idle tick: 200 posts, all sent or not due; real channel wiring with credentials set.
const dir = await mkdtemp(join(tmpdir(), 'copydesk-bench-'));
try {
  const store = createDirStore(join(dir, 'state'));
  const small = makePosts(200);
  const idlePosts = small.posts.filter((p) => p.publishAt! > NOW || small.events.some((e) => e.postId === p.id));
  await recordEvents(store, small.events, 'seed');
  let fetches = 0;
  let built = 0;
  const countingFetch: typeof fetch = async (...args) => {
    fetches++;
    return fetch(...args);
  };
  const setup = resolveChannels({ root: dir, config: { ...config, channels: { ...config.channels, mastodon: { ...config.channels.mastodon, instance: 'https://mastodon.invalid' }, bluesky: { ...config.channels.bluesky, identifier: 'bench.bsky.social' } } }, env: { MASTODON_TOKEN: 'x'.repeat(20), BLUESKY_APP_PASSWORD: 'y'.repeat(20) }, fetch: countingFetch });
  const s = performance.now();
  const report = await publish({
    posts: idlePosts, store, channels: (n) => (built++, setup.channel(n)), config, now: () => new Date(NOW), runId: 'bench-idle', dryRun: false, log: () => {},
    approve: async () => ((fetches++), { approved: true }),
  });
  const ms = performance.now() - s;
  console.log(`idle tick: ${idlePosts.length} posts, ${report.decisions.length} (post, network) pairs (${report.alreadySent} already sent, ${report.waiting} not due): ${fetches} network calls, ${built} channels built, ${ms.toFixed(0)} ms (goal 0 calls): ${goal(fetches === 0 && built === 0 && report.sent === 0)}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
