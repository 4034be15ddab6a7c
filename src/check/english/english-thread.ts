/**
 * The English worker's body (loaded by ./english-worker.ts): builds its own English processor as
 * soon as it starts, then checks what
 * it is sent and posts `{ results, timings }` back:
 * - `{ items }`: texts the main thread already read;
 * - `{ root, files, maxBytes }`: files to read here, so the checks run while the main thread is
 *   still parsing the same posts (the caller keeps only findings for posts that turn out to be
 *   English, below their front-matter).
 * See ./english-runner.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { EnglishSettings } from '../../config/config.ts';
import type { Diagnostic } from '../../diagnostic/diagnostic.ts';
import { englishFindings } from './english-findings.ts';
import type { EnglishInput } from './english-input.ts';
import { createEnglishProcessor } from './processor.ts';

// vfile messages are Errors: each would capture a stack trace nobody reads. This thread only checks text.
Error.stackTraceLimit = 0;

type Job = ({ items: EnglishInput[] } | { root: string; files: string[]; maxBytes: number }) & { settings?: EnglishSettings };

const t0 = performance.now();
const ready = createEnglishProcessor();
void ready.then(() => parentPort!.postMessage({ ready: true }));
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The file as the post parser would see it, or undefined when it could never be a post. Read
 * synchronously: this thread has nothing else to do, and a thousand small async reads would queue
 * behind the main thread's own reads in libuv's shared thread pool.
 */
function read(root: string, file: string, maxBytes: number): string | undefined {
  try {
    const bytes = readFileSync(join(root, file));
    if (bytes.length === 0 || bytes.length > maxBytes || bytes.includes(0)) return undefined;
    const text = decoder.decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}

parentPort!.once('message', async (job: Job) => {
  const processor = await ready;
  const t1 = performance.now();
  const results: [string, Diagnostic[]][] = [];
  if ('items' in job) {
    for (const item of job.items) results.push([item.file, await englishFindings(processor, item, job.settings)]);
  } else {
    for (const file of job.files) {
      const source = read(job.root, file, job.maxBytes);
      if (source !== undefined) results.push([file, await englishFindings(processor, { file, source, bodyLine: 1 }, job.settings)]);
    }
  }
  parentPort!.postMessage({ results, timings: { setup: t1 - t0, files: performance.now() - t1 } });
  parentPort!.close();
});
