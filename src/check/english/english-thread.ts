/**
 * The English worker's body (loaded by ./english-worker.ts): builds its own English processor as
 * soon as it starts, then checks what it is sent, posting `{ file, findings }` after each file
 * (the main thread times each file, see ./english-runner.ts) and `{ done, timings }` at the end:
 * - `{ items }`: texts the main thread already read;
 * - `{ root, files, maxBytes, maxPartChars }`: files to read here, so the checks run while the
 *   main thread is still parsing the same posts (the caller keeps only findings for posts that
 *   turn out to be English, below their front-matter). Files are read as the post parser reads
 *   them (no symlink, no fifo: a fifo would block this thread forever) and skipped when the
 *   parser would refuse them (too big, too many parts, nested too deeply): the English checks
 *   never see what the post limits keep out.
 */
import { parentPort } from 'node:worker_threads';
import type { EnglishSettings } from '../../config/config.ts';
import type { Diagnostic } from '../../diagnostic/diagnostic.ts';
import { splitFrontMatter } from '../../post/front-matter.ts';
import { partLimits } from '../../post/post-limits.ts';
import { readPostFileSync } from '../../post/read-post-file.ts';
import { englishFindings } from './english-findings.ts';
import type { EnglishInput } from './english-input.ts';
import { tooComplex } from './english-limits.ts';
import type { EnglishJob } from './english-runner.ts';
import { createEnglishProcessor } from './processor.ts';

// vfile messages are Errors: each would capture a stack trace nobody reads. This thread only checks text.
Error.stackTraceLimit = 0;

const t0 = performance.now();
const ready = createEnglishProcessor();
void ready.then(() => parentPort!.postMessage({ ready: true }));
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The file as the post parser would see it, or undefined when the parser would refuse it. */
function read(root: string, file: string, maxBytes: number, maxPartChars: number): string | undefined {
  const r = readPostFileSync(root, file, maxBytes);
  if (!r.ok || r.bytes.length === 0 || r.bytes.includes(0)) return undefined;
  let text: string;
  try {
    text = decoder.decode(r.bytes);
  } catch {
    return undefined;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const split = splitFrontMatter(text);
  if (!split.ok || partLimits(text, split.bodyStart, maxPartChars)) return undefined;
  return text;
}

parentPort!.once('message', async (job: EnglishJob) => {
  const processor = await ready;
  const t1 = performance.now();
  const check = async (item: EnglishInput, settings: EnglishSettings | undefined): Promise<Diagnostic[]> => {
    try {
      return await englishFindings(processor, item, settings);
    } catch (e) {
      return [tooComplex(item.file, e)];
    }
  };
  if ('items' in job) {
    for (const item of job.items) parentPort!.postMessage({ file: item.file, findings: await check(item, job.settings) });
  } else {
    for (const file of job.files) {
      const source = read(job.root, file, job.maxBytes, job.maxPartChars);
      parentPort!.postMessage({ file, findings: source === undefined ? undefined : await check({ file, source, bodyLine: 1 }, job.settings) });
    }
  }
  parentPort!.postMessage({ done: true, timings: { setup: t1 - t0, files: performance.now() - t1 } });
  parentPort!.close();
});
