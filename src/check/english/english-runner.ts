/**
 * Runs the English checks on many files. Small runs (a PR touches a few posts) stay in this
 * thread with one shared processor. Large runs go to worker threads, each with its own processor
 * (a processor cannot be shared between threads), started early (`startEnglishPool`) so that
 * they read and check the files while the main thread loads its modules, parses the posts and
 * runs the other rules: on two cores, the main thread plus one worker keep both busy.
 * https://nodejs.org/api/worker_threads.html
 */
import { Worker } from 'node:worker_threads';
import type { EnglishSettings } from '../../config/config.ts';
import type { Diagnostic } from '../../diagnostic/diagnostic.ts';
import type { EnglishInput } from './english-input.ts';
import type { EnglishProcessor } from './processor.ts';

export interface EnglishRunOptions {
  /** Worker threads for large runs; 0: none (default 1, the main thread being the other core's worth). */
  workers?: number;
  /** Use workers only from this many files (default {@link WORKER_THRESHOLD}). */
  threshold?: number;
  /** What is worth a warning (the configuration's `english`); default: everything the plugins report. */
  settings?: EnglishSettings;
}

/** Starting a worker costs ~0.3 s of CPU (loading the pipeline): worth it from about this many files. */
export const WORKER_THRESHOLD = 200;

export interface EnglishRun {
  /** Findings per file (every input file has an entry). */
  byFile: Map<string, Diagnostic[]>;
  /** How the files were checked. */
  mode: 'in-process' | 'workers';
  /** Milliseconds: `setup` (building processors; max over workers), `files` (checking; max over workers). */
  timings: { setup: number; files: number };
}

/** Worker threads started ahead of time; `run` or `runFiles` may be called once. */
export interface EnglishPool {
  /** Check texts already read. */
  run(items: EnglishInput[], settings?: EnglishSettings): Promise<EnglishRun>;
  /**
   * Read and check files in the workers, without waiting for the posts to be parsed: every
   * readable text file gets an entry, findings are not filtered by front-matter or language
   * (the caller keeps those of English posts, below the front-matter).
   */
  runFiles(root: string, files: string[], maxBytes: number, settings?: EnglishSettings): Promise<EnglishRun>;
  /** Stop the workers without using them. */
  close(): void;
  /** Settles when every worker has built its processor. */
  ready: Promise<void>;
}

let shared: Promise<EnglishProcessor> | undefined;

/** The process-wide processor: built on first use, then reused for every file. */
export function sharedEnglishProcessor(): Promise<EnglishProcessor> {
  // Loaded on first use: a run with no English post (or one using workers) never pays for it.
  shared ??= import('./processor.ts').then((m) => m.createEnglishProcessor());
  return shared;
}

/** True when `count` files are enough to be worth worker threads. */
export function wantsWorkers(count: number, options: EnglishRunOptions = {}): boolean {
  return workerCount(options) >= 1 && count >= (options.threshold ?? WORKER_THRESHOLD);
}

/** Worker threads asked for (default 1). */
export function workerCount(options: EnglishRunOptions = {}): number {
  return Math.max(0, Math.floor(options.workers ?? 1));
}

export async function runEnglish(items: EnglishInput[], options: EnglishRunOptions = {}, pool?: EnglishPool): Promise<EnglishRun> {
  if (items.length === 0) {
    pool?.close();
    return { byFile: new Map(), mode: 'in-process', timings: { setup: 0, files: 0 } };
  }
  if (pool || wantsWorkers(items.length, options)) {
    try {
      return await (pool ?? startEnglishPool(workerCount(options))).run(items, options.settings);
    } catch {
      // A worker that cannot start (a restricted environment) must not lose findings: check here instead.
    }
  }
  return inProcess(items, options.settings);
}

async function inProcess(items: EnglishInput[], settings: EnglishSettings | undefined): Promise<EnglishRun> {
  const t0 = performance.now();
  const [processor, { englishFindings }] = await Promise.all([sharedEnglishProcessor(), import('./english-findings.ts')]);
  const t1 = performance.now();
  const byFile = new Map<string, Diagnostic[]>();
  for (const item of items) byFile.set(item.file, await englishFindings(processor, item, settings));
  return { byFile, mode: 'in-process', timings: { setup: t1 - t0, files: performance.now() - t1 } };
}

interface WorkerOutput {
  results: [string, Diagnostic[]][];
  timings: { setup: number; files: number };
}

/** What one worker is asked to do (see ./english-worker.ts). */
type Job = ({ items: EnglishInput[] } | { root: string; files: string[]; maxBytes: number }) & { settings?: EnglishSettings };

/** Start `n` workers now; each builds its processor while the caller prepares the files. */
export function startEnglishPool(n: number): EnglishPool {
  const workers = Array.from({ length: Math.max(1, Math.floor(n)) }, () => {
    const worker = new Worker(new URL('./english-worker.ts', import.meta.url));
    // An idle worker must not keep the process alive if the caller never gets to `run` (an error).
    worker.unref();
    const state: WorkerState = { worker };
    // Until a job is sent, a worker that fails to start must neither crash the process nor be waited for.
    worker.on('error', (e) => (state.failed ??= e));
    worker.once('exit', (code) => (state.failed ??= new Error(`English worker exited with code ${code}`)));
    return state;
  });
  const ready = Promise.all(workers.map((w) => new Promise<void>((resolve) => {
    const on = (m: { ready?: boolean }) => {
      if (m?.ready) {
        w.worker.off('message', on);
        resolve();
      }
    };
    w.worker.on('message', on);
    w.worker.once('exit', () => resolve());
  }))).then(() => undefined);
  const close = () => {
    for (const w of workers) void w.worker.terminate();
  };
  const dispatch = async (jobs: Job[]): Promise<EnglishRun> => {
    try {
      const outputs = await Promise.all(workers.map((w, i) => ask(w, jobs[i]!)));
      const byFile = new Map<string, Diagnostic[]>();
      for (const o of outputs) for (const [file, list] of o.results) byFile.set(file, list);
      return {
        byFile,
        mode: 'workers',
        timings: { setup: Math.max(...outputs.map((o) => o.timings.setup)), files: Math.max(...outputs.map((o) => o.timings.files)) },
      };
    } finally {
      close();
    }
  };
  return {
    close,
    ready,
    run(items, settings) {
      // Groups of similar total size, biggest files first.
      const groups: EnglishInput[][] = workers.map(() => []);
      const sizes = workers.map(() => 0);
      for (const item of [...items].sort((a, b) => b.source.length - a.source.length)) {
        const i = sizes.indexOf(Math.min(...sizes));
        groups[i]!.push(item);
        sizes[i]! += item.source.length;
      }
      return dispatch(groups.map((items) => ({ items, ...(settings ? { settings } : {}) })));
    },
    runFiles(root, files, maxBytes, settings) {
      // Posts are of similar size: every n-th file to the same worker balances well enough.
      return dispatch(workers.map((_, i) => ({ root, maxBytes, files: files.filter((_, k) => k % workers.length === i), ...(settings ? { settings } : {}) })));
    },
  };
}

interface WorkerState {
  worker: Worker;
  /** Set when the worker failed or exited. */
  failed?: Error;
}

function ask({ worker, failed }: WorkerState, job: Job): Promise<WorkerOutput> {
  if (failed) return Promise.reject(failed);
  return new Promise((resolve, reject) => {
    let done = false;
    const on = (m: WorkerOutput & { ready?: boolean }) => {
      if (m.ready) return;
      worker.off('message', on);
      done = true;
      resolve(m);
    };
    worker.on('message', on);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`English worker exited with code ${code}`));
    });
    worker.ref();
    worker.postMessage(job);
  });
}
