/**
 * `length` (error): every thread part must fit every network the post goes to, counted the way
 * that network counts (../lengths.ts: Bluesky graphemes and bytes, Mastodon with URLs as 23,
 * X weighted, LinkedIn characters).
 */
import { diag, type Diagnostic } from '../../diagnostic/diagnostic.ts';
import { lengthFor } from '../lengths.ts';
import type { Rule } from './rule.ts';

export const LENGTH = 'length';

export const lengthRule: Rule = (post, { config }) => {
  const out: Diagnostic[] = [];
  const split = 'or split it into a thread with a line containing only `---`';
  for (const part of post.parts) {
    const n = part.index + 1;
    for (const network of post.channels) {
      const u = lengthFor(network, part.text, config);
      if (u.used > u.limit) {
        out.push(diag(post.file, { line: part.line }, 'error', LENGTH, `part ${n} is ${u.used}/${u.limit} ${u.unit} on ${network}`, `Shorten part ${n} by ${u.used - u.limit} ${u.unit}, ${split}.`));
      }
      if (u.bytes && u.bytes.used > u.bytes.limit) {
        out.push(diag(post.file, { line: part.line }, 'error', LENGTH, `part ${n} is ${u.bytes.used}/${u.bytes.limit} bytes on ${network}`, `Shorten part ${n} by ${u.bytes.used - u.bytes.limit} bytes (emoji and accented letters take 2–4 bytes each), ${split}.`));
      }
    }
  }
  return out;
};
