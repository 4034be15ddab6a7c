/**
 * How the check grows with the number of posts: the whole `copydesk check` (as a user runs it,
 * one process) and each rule on its own, at 100, 1,000 and 10,000 posts. Every rule must grow
 * linearly: the "per 1,000 posts" column stays flat (the spacing rule used to compare every post
 * with every other, doubling the check's time at 10,000 posts).
 *
 * Rules are timed in this process (best of three passes after a warm-up), the check as a child
 * process (one run: at 10,000 posts it takes a while).
 *
 * Run: `node bench/check-scale.bench.ts` (or `npm run bench check-scale`). Not a test: it only reports.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load-config.ts';
import { judgeLanguage } from '../src/check/language.ts';
import { altTextRule } from '../src/check/rules/alt-text.ts';
import { lengthRule } from '../src/check/rules/length.ts';
import { mediaRule } from '../src/check/rules/media.ts';
import type { Rule, RuleContext } from '../src/check/rules/rule.ts';
import { scheduleRule } from '../src/check/rules/schedule.ts';
import { sensitiveTopicRule } from '../src/check/rules/sensitive-topic.ts';
import { spacingRule } from '../src/check/rules/spacing.ts';
import { watchlistRule } from '../src/check/rules/watchlist.ts';
import { loadPosts } from '../src/post/load-posts.ts';
import { generatePosts } from './check-posts.ts';

const REPO = join(import.meta.dirname, '..');
const SIZES = [100, 1000, 10_000];
const NOW = Date.parse('2027-01-01T00:00:00Z');

function wall(root: string): Promise<number> {
  return new Promise((resolve) => {
    const t = performance.now();
    execFile(process.execPath, [join(REPO, 'scripts', 'copydesk.ts'), 'check', '--format', 'json'], { cwd: REPO, env: { ...process.env, COPYDESK_ROOT: root, COPYDESK_NOW: '2027-01-01T00:00:00Z' }, maxBuffer: 512 * 1024 * 1024 }, () => resolve(performance.now() - t));
  });
}

const rows: Record<string, number>[] = [];
for (const n of SIZES) {
  const root = await mkdtemp(join(tmpdir(), `copydesk-scale-${n}-`));
  try {
    const files = await generatePosts(root, n);
    const loaded = await loadConfig(root);
    if (!loaded.ok) throw new Error('bench config broken');
    const config = loaded.config;
    const { posts } = await loadPosts(root, config, files);
    const ctx: RuleContext = { config, now: NOW, root, changed: true, allPosts: posts };
    const rules: Record<string, Rule> = { length: lengthRule, media: mediaRule, 'alt-text': altTextRule, schedule: scheduleRule, spacing: spacingRule, 'sensitive-topic': sensitiveTopicRule(config), watchlist: watchlistRule(config) };
    const row: Record<string, number> = { posts: n };
    const lang = (p: (typeof posts)[number]) => judgeLanguage(p.parts.map((x) => x.text).join('\n\n'), p.lang);
    // Warm up (JIT) on the first 100 posts, then the best of three passes: this machine is shared,
    // and a pass that a burst of load from elsewhere slows down says nothing about the rule.
    for (const rule of Object.values(rules)) for (const p of posts.slice(0, 100)) await rule(p, ctx);
    for (const p of posts.slice(0, 100)) lang(p);
    for (const [name, rule] of Object.entries(rules)) {
      row[name] = Infinity;
      for (let k = 0; k < 3; k++) {
        const t = performance.now();
        for (const p of posts) await rule(p, ctx);
        row[name] = Math.min(row[name]!, performance.now() - t);
      }
    }
    row.lang = Infinity;
    for (let k = 0; k < 2; k++) {
      const t = performance.now();
      for (const p of posts) lang(p);
      row.lang = Math.min(row.lang, performance.now() - t);
    }
    row['copydesk check (wall)'] = await wall(root);
    rows.push(row);
    console.log(`${n} posts: ${Object.entries(row).filter(([k]) => k !== 'posts').map(([k, v]) => `${k} ${Math.round(v)} ms`).join(' · ')}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

console.log('\nms per 1,000 posts (flat = linear):');
const keys = Object.keys(rows[0]!).filter((k) => k !== 'posts');
console.log(`  ${'posts'.padEnd(8)}${keys.map((k) => k.padStart(Math.max(9, k.length + 2))).join('')}`);
for (const r of rows) console.log(`  ${String(r.posts).padEnd(8)}${keys.map((k) => (r[k]! / r.posts! * 1000).toFixed(1).padStart(Math.max(9, k.length + 2))).join('')}`);
const [, mid, big] = rows;
if (mid && big) {
  console.log(`\n10,000 vs 1,000 posts (10× the posts; linear ≈ 10×): ${keys.map((k) => `${k} ${(big[k]! / mid[k]!).toFixed(1)}×`).join(', ')}`);
}
