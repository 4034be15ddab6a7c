/**
 * Site benchmark: 1,000 posts (threads, images, half of them already sent according to the ledger)
 * in a temporary repository with the real playbook, one real `astro build`. Prints the build time
 * (goal ≤ 15 s), the page count, and the client JavaScript a playbook page and a post page load.
 *
 *   node bench/site.bench.ts [posts]
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { recordEvents, type LedgerEvent } from '../src/schedule/ledger.ts';
import { buildSite } from '../src/site/serve.ts';
import { createDirStore } from '../src/state/dir-store.ts';
import { png } from '../test/site/fixture.ts';

const PROJECT = join(import.meta.dirname, '..');
const COUNT = Number(process.argv[2] ?? 1000);
const GOAL_MS = 15_000;
const NOW = '2027-04-01T10:00:00Z';
const START = Date.parse('2027-01-01T08:00:00Z');
const STEP = 4 * 3_600_000;

const WORDS = 'sourdough rye crust oven morning bakery loaf butter rhubarb tart cinnamon bun queue Saturday fresh flour starter honey poppy seed'.split(' ');
const sentence = (i: number, n: number) => Array.from({ length: n }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ');
const pad = (n: number) => String(n).padStart(2, '0');
const local = (t: number) => {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00Z`;
};

async function makeRepo(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'copydesk-site-bench-'));
  await cp(join(PROJECT, 'playbook'), join(root, 'playbook'), { recursive: true });
  await cp(join(PROJECT, 'copydesk.config.yaml'), join(root, 'copydesk.config.yaml'));
  await mkdir(join(root, 'posts', 'media'), { recursive: true });
  await writeFile(join(root, 'posts', 'media', 'loaf.png'), png(320, 200, [200, 150, 90]));
  const events: LedgerEvent[] = [];
  for (let i = 0; i < COUNT; i++) {
    const at = START + i * STEP;
    const id = `bench-${String(i).padStart(4, '0')}`;
    const parts = i % 5 === 0 ? 3 : 1;
    const body = Array.from({ length: parts }, (_, p) => `${sentence(i + p, 18)}. https://example.com/menu/${i}/${p}`).join('\n---\n');
    const media = i % 4 === 0 ? `media:\n  - path: ../../media/loaf.png\n    alt: A ${sentence(i, 4)} loaf on the counter.\n` : '';
    const dir = join(root, 'posts', String(new Date(at).getUTCFullYear()), pad(new Date(at).getUTCMonth() + 1));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${id}.md`), `---\nid: ${id}\npublish_at: "${local(at)}"\nchannels: [bluesky, mastodon]\ntags: [${i % 3 === 0 ? 'promo' : 'menu'}]\n${media}---\n${body}\n`);
    if (at < Date.parse(NOW) && i % 10 !== 0) {
      for (const network of ['bluesky', 'mastodon'] as const) {
        for (let p = 0; p < parts; p++) {
          events.push({ at: new Date(at + 60_000).toISOString(), postId: id, network, part: p, state: 'sent', via: network, runId: `bench-${i}`, ref: { id: `${id}-${p}`, url: `https://social.example/${network}/${id}/${p}` } });
        }
      }
    }
  }
  await recordEvents(createDirStore(join(root, '.copydesk', 'state')), events, 'bench ledger');
  return root;
}

/** Scripts a page loads when it opens: tags, inline bytes, bytes of the module files it references. */
async function clientJs(outDir: string, page: string): Promise<{ tags: number; inlineBytes: number; fileBytes: number; files: string[] }> {
  const html = await readFile(join(outDir, page), 'utf8');
  const tags = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  let inlineBytes = 0;
  let fileBytes = 0;
  const files: string[] = [];
  for (const [, attrs, body] of tags) {
    const src = /\bsrc="([^"]+)"/.exec(attrs ?? '')?.[1];
    if (src) {
      files.push(src.split('/').pop()!);
      fileBytes += (await stat(join(outDir, src)).catch(() => ({ size: 0 }))).size;
    } else inlineBytes += Buffer.byteLength(body ?? '');
  }
  return { tags: tags.length, inlineBytes, fileBytes, files };
}

const root = await makeRepo();
try {
  // Inside the project (see buildSite); removed afterwards.
  const outDir = join(PROJECT, 'node_modules', '.cache', 'copydesk-site-bench', basename(root));
  const built = await buildSite({
    projectRoot: PROJECT,
    outDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, COPYDESK_ROOT: root, COPYDESK_NOW: NOW, COPYDESK_SITE_CACHE: join(root, '.astro-cache') },
    ...(process.env.BENCH_VERBOSE ? { log: (t: string) => void process.stderr.write(t) } : {}),
  });
  if (!built.ok) {
    console.error(`site build failed (exit ${built.exitCode}):\n${built.output}`);
    process.exitCode = 1;
  } else {
    const html = (await readdir(outDir, { recursive: true })).filter((f) => f.endsWith('.html')).length;
    const playbook = existsSync(join(outDir, 'voice', 'index.html')) ? 'voice/index.html' : 'index.html';
    const pb = await clientJs(outDir, playbook);
    const post = await clientJs(outDir, 'posts/bench-0005/index.html');
    const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
    console.log(`posts: ${COUNT}, HTML pages: ${html}; machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} (other work on the machine slows the build)`);
    console.log(`build (astro build + pagefind, child process): ${(built.ms / 1000).toFixed(1)} s (goal ≤ ${GOAL_MS / 1000} s: ${built.ms <= GOAL_MS ? 'met' : 'MISSED'})`);
    console.log(`client JS, playbook page /${playbook}: ${pb.tags} <script> tags, ${kb(pb.inlineBytes)} inline + ${kb(pb.fileBytes)} in ${pb.files.length} module files (${pb.files.join(', ')})`);
    console.log(`client JS, post page /posts/bench-0005/: ${post.tags} <script> tags, ${kb(post.inlineBytes)} inline + ${kb(post.fileBytes)} in ${post.files.length} module files`);
    console.log('(all of it is Starlight\'s own: theme, language and mobile menu controls, sidebar state, table of contents, search button; Pagefind\'s UI loads only when search opens)');
  }
} finally {
  if (process.env.BENCH_KEEP) console.log(`kept ${root}`);
  else {
    await rm(root, { recursive: true, force: true });
    await rm(join(PROJECT, 'node_modules', '.cache', 'copydesk-site-bench', basename(root)), { recursive: true, force: true });
    await rmdir(join(PROJECT, 'node_modules', '.cache', 'copydesk-site-bench')).catch(() => {});
  }
}
