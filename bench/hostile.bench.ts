/**
 * Hostile-input figures: how long the post parser takes on a 240 KB file of each hostile family
 * (goal ≤ 100 ms each: the limits refuse them before any counting), and the worst cases that
 * pass the limits (5,000 characters of one family) through length counting and the English
 * checks, which grow faster than linearly: their time is what the worker timeout bounds.
 * Run: `node bench/hostile.bench.ts` (or `npm run bench hostile`). Exits 1 when a goal is missed.
 */
import { lengthFor } from '../src/check/lengths.ts';
import { englishFindings } from '../src/check/english/english-findings.ts';
import { createEnglishProcessor } from '../src/check/english/processor.ts';
import { defaultConfig } from '../src/config/config.ts';
import { MAX_PART_CHARS, parsePost } from '../src/post/parse-post.ts';

const config = defaultConfig();
const FM = '---\nid: bench\npublish_at: "2027-02-01 09:00"\nchannels: [bluesky, mastodon]\n---\n';
const UNITS: Record<string, string> = { '#a': '#a', '(': '(', '>': '> ', '*_': '*_', 'a.': 'a.', spaces: ' ', '<!--': '<!--', '- ': '- ' };
const fill = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const time = async (f: () => unknown) => {
  const t = performance.now();
  await f();
  return Math.round((performance.now() - t) * 10) / 10;
};

let missed = 0;
// Warm up (module compilation, Intl data) so the first family is not charged for it.
parsePost({ file: 'posts/bench.md', root: '/repo', bytes: new TextEncoder().encode(FM + fill('#a', 240 * 1024)), config });
console.log('parsePost on 240 KB (ms; goal ≤ 100):');
for (const [name, unit] of Object.entries(UNITS)) {
  const bytes = new TextEncoder().encode(FM + fill(unit, 240 * 1024));
  const ms = await time(() => parsePost({ file: 'posts/bench.md', root: '/repo', bytes, config }));
  if (ms > 100) missed++;
  console.log(`  ${name.padEnd(8)} ${ms}`);
}
const thread = new TextEncoder().encode(FM + Array.from({ length: 10_000 }, (_, i) => `part ${i}`).join('\n---\n'));
console.log(`  10,000-part thread ${await time(() => parsePost({ file: 'posts/bench.md', root: '/repo', bytes: thread, config }))}`);

const processor = await createEnglishProcessor();
console.log(`\nAt the part limit (${MAX_PART_CHARS} characters), ms: length on mastodon / English checks`);
for (const [name, unit] of Object.entries(UNITS)) {
  const text = fill(unit, MAX_PART_CHARS - 10);
  const parsed = parsePost({ file: 'posts/bench.md', root: '/repo', bytes: new TextEncoder().encode(FM + text), config });
  if (!parsed.ok && parsed.problems.some((p) => p.ruleId === 'post-format')) {
    console.log(`  ${name.padEnd(8)} refused by the parser: ${parsed.problems[0]!.message}`);
    continue;
  }
  const len = await time(() => lengthFor('mastodon', text, config));
  const en = await time(() => englishFindings(processor, { file: 'posts/bench.md', source: FM + text, bodyLine: 6 }).catch(() => []));
  console.log(`  ${name.padEnd(8)} ${String(len).padStart(7)} / ${en}`);
}
process.exitCode = missed ? 1 : 0;
