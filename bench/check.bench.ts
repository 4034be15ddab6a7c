/**
 * `copydesk check` against `alex` on the same 1,000 generated posts (~80 words each, a vocabulary
 * that trips retext-equality and retext-profanities now and then). Prints both wall times, the
 * ratio (goal: copydesk ≥ 5× faster), copydesk's own per-stage breakdown, where the English
 * pipeline spends its time with the stock plugins and with the indexed matcher, and whether the
 * two tools report the same equality/profanity findings.
 *
 * copydesk runs as shipped: one English worker thread next to the main thread on two cores, and
 * Node's compile cache (so the first of its runs is slower than the others).
 *
 * Run: `node bench/check.bench.ts` (or `npm run bench check`). Not a test: it only reports.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { VFile } from 'vfile';
import { generatePosts, WORDS } from './check-posts.ts';

const REPO = join(import.meta.dirname, '..');
const POSTS = 1000;

async function generate(root: string): Promise<string[]> {
  return generatePosts(root, POSTS);
}

interface Run {
  ms: number;
  code: number;
  stdout: string;
  stderr: string;
}

function timed(cmd: string, args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const t = performance.now();
    execFile(cmd, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ ms: performance.now() - t, code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** `file:line:column source word` for each equality/profanity finding. */
type Key = string;

function copydeskKeys(json: string): Key[] {
  const list = JSON.parse(json) as { file: string; line: number; column: number; source: string; message: string }[];
  return list.filter((d) => d.source === 'retext-equality' || d.source === 'retext-profanities')
    .map((d) => `${d.file}:${d.line}:${d.column} ${d.source} ${/`([^`]+)`/.exec(d.message)?.[1]?.toLowerCase()}`);
}

/** vfile-reporter's text: a file name line, then `  line:col-line:col  warning  message  rule  source`. */
function alexKeys(report: string): Key[] {
  const keys: Key[] = [];
  let file = '';
  for (const line of report.replace(/\x1b\[[0-9;]*m/g, '').split('\n')) {
    if (/^posts\/\S+\.md$/.test(line.trim()) && !line.startsWith(' ')) file = line.trim();
    const m = /^\s+(\d+):(\d+)(?:-\d+:\d+)?\s+(?:warning|error)\s+(.*?)\s+\S+\s+(retext-equality|retext-profanities)\s*$/.exec(line);
    if (m) keys.push(`${file}:${m[1]}:${m[2]} ${m[4]} ${/`([^`]+)`/.exec(m[3]!)?.[1]?.toLowerCase()}`);
  }
  return keys;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Where the English pipeline spends its time, in this process, stock plugins vs indexed matcher. */
async function stageBreakdown(root: string, files: string[]) {
  const { unified } = await import('unified');
  const { default: remarkParse } = await import('remark-parse');
  const { default: remarkFrontmatter } = await import('remark-frontmatter');
  const { default: retextEnglish } = await import('retext-english');
  const { default: equality } = await import('retext-equality');
  const { default: profanities } = await import('retext-profanities');
  const { toNlcst } = await import('mdast-util-to-nlcst');
  const { ParseEnglish } = await import('parse-english');
  const { retextEqualityIndexed } = await import('../src/check/english/equality-plugin.ts');
  const { retextProfanitiesIndexed } = await import('../src/check/english/profanities-plugin.ts');
  const sources = await Promise.all(files.map((f) => readFile(join(root, f), 'utf8')));
  const md = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).freeze();
  const variants = {
    stock: [unified().use(retextEnglish).use(equality).freeze(), unified().use(retextEnglish).use(profanities).freeze()],
    indexed: [unified().use(retextEnglish).use(retextEqualityIndexed as never).freeze(), unified().use(retextEnglish).use(retextProfanitiesIndexed as never).freeze()],
  };
  const out: Record<string, Record<string, number>> = {};
  for (const [name, [eq, pr]] of Object.entries(variants)) {
    const t = { 'markdown parse': 0, 'mdast → nlcst': 0, 'retext-equality': 0, 'retext-profanities': 0 };
    const parser = new ParseEnglish();
    for (const source of sources) {
      const file = new VFile(source);
      let a = performance.now();
      const tree = md.parse(file);
      let b = performance.now();
      t['markdown parse'] += b - a;
      const nl = toNlcst(tree, file, parser);
      a = performance.now();
      t['mdast → nlcst'] += a - b;
      await eq!.run(nl as never, file);
      b = performance.now();
      t['retext-equality'] += b - a;
      await pr!.run(nl as never, file);
      a = performance.now();
      t['retext-profanities'] += a - b;
    }
    out[name] = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)]));
  }
  return out;
}

const root = await mkdtemp(join(tmpdir(), 'copydesk-bench-'));
try {
  const files = await generate(root);
  console.log(`${POSTS} posts of ${WORDS} words in ${root} (${availableParallelism()} cores)`);

  const env = { COPYDESK_ROOT: root, COPYDESK_NOW: '2027-01-01T00:00:00Z', NO_UPDATE_NOTIFIER: '1', FORCE_COLOR: '0', NO_COLOR: '1' };
  // Interleaved, so a burst of load from elsewhere on the machine hits both tools alike.
  const ours: Run[] = [];
  const alex: Run[] = [];
  for (let i = 0; i < 2; i++) {
    ours.push(await timed(process.execPath, [join(REPO, 'scripts', 'copydesk.ts'), 'check', '--format', 'json', '--timings'], REPO, env));
    alex.push(await timed(process.execPath, [join(REPO, 'test', 'node_modules', 'alex', 'cli.js'), ...files], root, env));
    ours.push(await timed(process.execPath, [join(REPO, 'scripts', 'copydesk.ts'), 'check', '--format', 'json', '--timings'], REPO, env));
  }
  const best = (rs: Run[]) => Math.min(...rs.map((r) => r.ms));
  const list = (rs: Run[]) => rs.map((r) => Math.round(r.ms)).join(', ');
  console.log(`\ncopydesk check --format json: best ${Math.round(best(ours))} ms, median ${Math.round(median(ours.map((r) => r.ms)))} ms (runs: ${list(ours)}), exit ${ours[0]!.code}`);
  console.log(`alex on the same files:       best ${Math.round(best(alex))} ms (runs: ${list(alex)}), exit ${alex[0]!.code}`);
  console.log(`ratio: copydesk is ${(best(alex) / best(ours)).toFixed(1)}× faster than alex, best against best (goal ≥ 5×)`);

  const timings = /copydesk timings \(ms\): (\{.*\})/.exec(ours[0]!.stderr)?.[1];
  if (timings) {
    const t = JSON.parse(timings) as Record<string, number>;
    console.log('\ncopydesk stages (first run, ms; English runs in worker threads while the rules run):');
    console.log(`  process start + loading modules: ${Math.round(ours[0]!.ms - t.total!)}`);
    for (const [k, v] of Object.entries(t)) console.log(`  ${k}: ${v}`);
  }

  console.log('\nEnglish pipeline in one thread, all 1,000 files (ms):');
  const stages = await stageBreakdown(root, files);
  for (const [name, t] of Object.entries(stages)) console.log(`  ${name.padEnd(8)} ${Object.entries(t).map(([k, v]) => `${k} ${v}`).join(' · ')}`);

  const a = new Set(copydeskKeys(ours[0]!.stdout));
  const b = new Set(alexKeys(alex[0]!.stderr));
  const onlyOurs = [...a].filter((k) => !b.has(k));
  const onlyAlex = [...b].filter((k) => !a.has(k));
  console.log(`\nshared rules (retext-equality + retext-profanities): copydesk ${a.size} findings, alex ${b.size}`);
  if (onlyOurs.length === 0 && onlyAlex.length === 0) console.log('findings: the same');
  else {
    console.log(`findings: NOT the same: ${onlyOurs.length} only in copydesk, ${onlyAlex.length} only in alex`);
    const words = (ks: string[]) => [...new Set(ks.map((k) => k.split(' ').slice(1).join(' ')))].slice(0, 8).join('; ');
    if (onlyOurs.length) console.log(`  only copydesk: ${words(onlyOurs)} (e.g. ${onlyOurs.slice(0, 2).join(', ')})`);
    if (onlyAlex.length) console.log(`  only alex:     ${words(onlyAlex)} (e.g. ${onlyAlex.slice(0, 2).join(', ')})`);
    for (const k of [...onlyOurs.slice(0, 1), ...onlyAlex.slice(0, 1)]) {
      const [where] = k.split(' ');
      const [file, line, column] = where!.split(':');
      const text = (await readFile(join(root, file!), 'utf8')).split('\n')[Number(line) - 1]!;
      console.log(`  context of ${where}: "…${text.slice(Math.max(0, Number(column) - 30), Number(column) + 30)}…"`);
    }
    console.log('  (alex 11 bundles retext-equality 6.6 and retext-profanities 7.2; copydesk uses 7.1 and 8.0, with binary: true as');
    console.log('  alex does: pairs like "her or his" are accepted, and through a substring test of both, "her order his")');
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
