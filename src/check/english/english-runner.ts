/**
 * Runs the English checks on many files. Small runs (a PR touches a few posts) stay in this
 * thread with one shared processor. Large runs go to worker threads, each with its own processor
 * (a processor cannot be shared between threads), started early (`startEnglishPool`) so that
 * they read and check the files while the main thread loads its modules, parses the posts and
 * runs the other rules: on two cores, the main thread plus one worker keep both busy.
 *
 * One file never costs the others their verdict: each file is timed in its worker, and a worker
 * stuck on one (or dying on it) is terminated and replaced; that file gets a "took too long"
 * finding (./english-limits.ts). A file that overflows the stack gets a "too complex" finding.
 * https://nodejs.org/api/worker_threads.html#workerterminate
 */
import { Worker } from 'node:worker_threads';
import type { EnglishSettings } from '../../config/config.ts';
import type { Diagnostic } from '../../diagnostic/diagnostic.ts';
import type { EnglishInput } from './english-input.ts';
import { FILE_TIMEOUT_MS, tooComplex, tookTooLong } from './english-limits.ts';
import type { EnglishProcessor } from './processor.ts';

export interface EnglishRunOptions {
  /** Worker threads for large runs; 0: none (default 1, the main thread being the other core's worth). */
  workers?: number;
  /** Use workers only from this many files (default {@link WORKER_THRESHOLD}). */
  threshold?: number;
  /** Milliseconds one file may take in a worker before it is stopped (default {@link FILE_TIMEOUT_MS}). */
  fileTimeoutMs?: number;
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
  runFiles(root: string, files: string[], maxBytes: number, maxPartChars: number, settings?: EnglishSettings): Promise<EnglishRun>;
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
      return await (pool ?? startEnglishPool(workerCount(options), options)).run(items, options.settings);
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
  for (const item of items) {
    try {
      byFile.set(item.file, await englishFindings(processor, item, settings));
    } catch (e) {
      byFile.set(item.file, [tooComplex(item.file, e)]);
    }
  }
  return { byFile, mode: 'in-process', timings: { setup: t1 - t0, files: performance.now() - t1 } };
}

/** What one worker is asked to do (see ./english-thread.ts). */
export type EnglishJob = ({ items: EnglishInput[] } | { root: string; files: string[]; maxBytes: number; maxPartChars: number }) & { settings?: EnglishSettings };

/** Start `n` workers now; each builds its processor while the caller prepares the files. */
export function startEnglishPool(n: number, options: { fileTimeoutMs?: number } = {}): EnglishPool {
  const timeoutMs = options.fileTimeoutMs ?? FILE_TIMEOUT_MS;
  const workers = Array.from({ length: Math.max(1, Math.floor(n)) }, () => spawn());
  const ready = Promise.all(workers.map((w) => w.ready)).then(() => undefined);
  const started = [...workers];
  const close = () => {
    for (const w of started) void w.worker.terminate();
  };
  const dispatch = async (jobs: { units: string[]; job: (units: string[]) => EnglishJob }[]): Promise<EnglishRun> => {
    try {
      const byFile = new Map<string, Diagnostic[]>();
      const outputs = await Promise.all(workers.map((w, i) => drive(w, jobs[i]!.units, jobs[i]!.job, byFile, timeoutMs, () => {
        const fresh = spawn();
        started.push(fresh);
        return fresh;
      })));
      return {
        byFile,
        mode: 'workers',
        timings: { setup: Math.max(...outputs.map((o) => o.setup)), files: Math.max(...outputs.map((o) => o.files)) },
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
      const byName = new Map(items.map((it) => [it.file, it]));
      return dispatch(groups.map((g) => ({ units: g.map((it) => it.file), job: (units) => ({ items: units.map((u) => byName.get(u)!), ...(settings ? { settings } : {}) }) })));
    },
    runFiles(root, files, maxBytes, maxPartChars, settings) {
      // Posts are of similar size: every n-th file to the same worker balances well enough.
      return dispatch(workers.map((_, i) => ({ units: files.filter((_, k) => k % workers.length === i), job: (units) => ({ root, maxBytes, maxPartChars, files: units, ...(settings ? { settings } : {}) }) })));
    },
  };
}

interface WorkerState {
  worker: Worker;
  /** Settles when the worker has built its processor (or exited). */
  ready: Promise<void>;
  /** True once the worker said it is ready. */
  isReady: boolean;
  /** Set when the worker failed or exited. */
  failed?: Error;
}

function spawn(): WorkerState {
  const worker = new Worker(new URL('./english-worker.ts', import.meta.url));
  // An idle worker must not keep the process alive if the caller never gets to `run` (an error).
  worker.unref();
  const state: WorkerState = { worker, isReady: false, ready: Promise.resolve() };
  // Until a job is sent, a worker that fails to start must neither crash the process nor be waited for.
  worker.on('error', (e) => (state.failed ??= e));
  worker.once('exit', (code) => (state.failed ??= new Error(`English worker exited with code ${code}`)));
  state.ready = new Promise<void>((resolve) => {
    const on = (m: { ready?: boolean }) => {
      if (m?.ready) {
        state.isReady = true;
        worker.off('message', on);
        resolve();
      }
    };
    worker.on('message', on);
    worker.once('exit', () => resolve());
  });
  return state;
}

type WorkerMessage = { ready: true } | { file: string; findings: Diagnostic[] | undefined } | { done: true; timings: { setup: number; files: number } };

/**
 * Run `units` (file names, in order) on a worker, one at a time from the worker's side, timing
 * each file: when one takes longer than `timeoutMs` (or the worker dies on it), the worker is
 * terminated, that file gets a finding saying so, and a fresh worker takes the files after it.
 * Every restart consumes one file, so this always ends. Rejects only when the first worker cannot
 * start at all (the caller then checks in this thread).
 */
async function drive(first: WorkerState, units: string[], job: (units: string[]) => EnglishJob, byFile: Map<string, Diagnostic[]>, timeoutMs: number, respawn: () => WorkerState): Promise<{ setup: number; files: number }> {
  let state = first;
  let rest = units;
  let setup = 0;
  let files = 0;
  let restarted = false;
  while (rest.length) {
    const outcome = await runOnce(state, job(rest), byFile, timeoutMs);
    if (outcome.kind === 'done') {
      setup = Math.max(setup, outcome.timings.setup);
      files += outcome.timings.files;
      return { setup, files };
    }
    if (outcome.kind === 'no-start') {
      if (!restarted) throw outcome.error;
      // A replacement that cannot start: the remaining files are checked by the caller.
      return { setup, files };
    }
    const stuck = rest[outcome.done]!;
    byFile.set(stuck, [tookTooLong(stuck, timeoutMs)]);
    void state.worker.terminate();
    rest = rest.slice(outcome.done + 1);
    if (rest.length) {
      state = respawn();
      restarted = true;
    }
  }
  return { setup, files };
}

type Outcome = { kind: 'done'; timings: { setup: number; files: number } } | { kind: 'stuck'; done: number } | { kind: 'no-start'; error: Error };

function runOnce(state: WorkerState, job: EnglishJob, byFile: Map<string, Diagnostic[]>, timeoutMs: number): Promise<Outcome> {
  const { worker } = state;
  if (state.failed) return Promise.resolve({ kind: 'no-start', error: state.failed });
  return new Promise((resolve) => {
    let done = 0;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (o: Outcome) => {
      if (settled) return;
      clearTimeout(timer);
      timer = undefined;
      settled = true;
      worker.off('message', on);
      worker.off('exit', onExit);
      resolve(o);
    };
    // The clock runs per file, from the moment the worker is ready (building the processor is
    // not a file's fault). When the timer fires, the verdict waits for `setImmediate`: this
    // thread may have been busy (parsing thousands of posts) while the worker's messages queued
    // up, and those are delivered before the immediate runs, so a file that did finish in time
    // is never called stuck. https://nodejs.org/en/learn/asynchronous-work/event-loop-timers-and-nexttick
    let progressAt = 0;
    const arm = (wait = timeoutMs) => {
      clearTimeout(timer);
      timer = setTimeout(() => setImmediate(() => {
        if (settled) return;
        const idle = performance.now() - progressAt;
        if (idle >= timeoutMs) finish({ kind: 'stuck', done });
        else arm(timeoutMs - idle);
      }), wait);
    };
    const progress = () => {
      progressAt = performance.now();
      arm();
    };
    const on = (m: WorkerMessage) => {
      if ('ready' in m) return progress();
      if ('done' in m) return finish({ kind: 'done', timings: m.timings });
      if (m.findings) byFile.set(m.file, m.findings);
      done++;
      progress();
    };
    const onExit = (code: number) => {
      if (!state.isReady && done === 0) finish({ kind: 'no-start', error: new Error(`English worker exited with code ${code}`) });
      // Died on a file (out of memory…): that file is reported like one that took too long.
      else finish({ kind: 'stuck', done });
    };
    worker.on('message', on);
    worker.once('exit', onExit);
    if (state.isReady) progress();
    worker.ref();
    worker.postMessage(job);
  });
}
