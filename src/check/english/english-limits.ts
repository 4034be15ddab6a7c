/**
 * What a file gets when the English checks could not finish on it: a stack overflow on deeply
 * nested Markdown, or a worker thread stopped after the per-file time limit. Both are errors (a
 * post whose words were not checked must not pass), in words a person can act on: the internal
 * text ("Maximum call stack size exceeded") never reaches the report.
 */
import { diag, type Diagnostic } from '../../diagnostic/diagnostic.ts';

/** Rule ids of these findings; the check keeps them whatever their line (see ../run-check.ts). */
export const TOO_COMPLEX = 'too-complex';
export const TOOK_TOO_LONG = 'took-too-long';

/** Default time one file may take in a worker thread before the worker is stopped. */
export const FILE_TIMEOUT_MS = 20_000;

export function tooComplex(file: string, e: unknown): Diagnostic {
  const why = e instanceof RangeError ? 'its Markdown is nested too deeply' : 'its Markdown could not be read';
  return diag(file, { line: 1 }, 'error', TOO_COMPLEX, `the English checks could not read this post: ${why}`, 'Simplify the formatting (fewer nested quotes, lists, brackets or emphasis marks), then run the check again.');
}

export function tookTooLong(file: string, ms: number): Diagnostic {
  return diag(file, { line: 1 }, 'error', TOOK_TOO_LONG, `the English checks took too long on this post (more than ${seconds(ms)} s) and were stopped; the other files were checked`, 'Shorten or simplify the text (long runs of punctuation, nested formatting), then run the check again.');
}

/** A limit in seconds as people write it: 20, 0.2, 0.005 (never "0" for a limit under 0.05 s). */
function seconds(ms: number): string {
  return String(ms >= 100 ? Math.round(ms / 100) / 10 : Number((ms / 1000).toPrecision(2)));
}
