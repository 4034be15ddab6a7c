/**
 * `length` (error): every thread part must fit every network the post goes to, counted the way
 * that network counts (../lengths.ts: Bluesky graphemes and bytes, Mastodon with URLs as 23,
 * X weighted, LinkedIn characters).
 */
import { diag, type Diagnostic } from '../../diagnostic/diagnostic.ts';
import { hasVariant, lineFor, textFor } from '../../post/part-text.ts';
import { lengthFor } from '../lengths.ts';
import type { Rule } from './rule.ts';

export const LENGTH = 'length';

export const lengthRule: Rule = (post, { config }) => {
  const out: Diagnostic[] = [];
  const split = 'or split it into a thread with a line containing only `---`';
  for (const part of post.parts) {
    const n = part.index + 1;
    for (const network of post.channels) {
      // Each network is counted on the text it gets: its `::: network` variant, at the variant's line.
      const u = lengthFor(network, textFor(part, network), config);
      const line = lineFor(part, network);
      const what = hasVariant(part, network) ? `the ${network} text of part ${n}` : `part ${n}`;
      if (u.used > u.limit) {
        out.push(diag(post.file, { line }, 'error', LENGTH, `${what} is ${u.used}/${u.limit} ${u.unit} on ${network}`, `Shorten ${what} by ${u.used - u.limit} ${u.unit}, ${split}.`));
      }
      if (u.bytes && u.bytes.used > u.bytes.limit) {
        out.push(diag(post.file, { line }, 'error', LENGTH, `${what} is ${u.bytes.used}/${u.bytes.limit} bytes on ${network}`, `Shorten ${what} by ${u.bytes.used - u.bytes.limit} bytes (emoji and accented letters take 2–4 bytes each), ${split}.`));
      }
    }
  }
  return out;
};
