/**
 * Worker thread entry. It only turns on Node's on-disk compile cache for this thread (as the
 * check command does for the main thread), then loads the worker's body: most of a worker's
 * start-up is compiling the Markdown and retext modules, and a warm cache saves about a third.
 * https://nodejs.org/api/module.html#moduleenablecompilecachecachedir
 */
import { enableCompileCache } from 'node:module';

enableCompileCache?.();
await import('./english-thread.ts');
