/**
 * Generated posts for the check benchmarks: ~80 words each from a bakery vocabulary with a few
 * words the English checks flag (his/her, chairman, crazy, guys, lame; hell, damn, blind, crap),
 * so some posts have findings and most do not. Two hours apart, in UTC.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const WORDS = 80;

const PLAIN = ('bread butter tart fresh oven morning every come early tray gone ten spring rhubarb cake sourdough loaf crust flour ' +
  'sugar honey cinnamon coffee shop street corner neighbours friends weekend market seasonal apple plum cherry almond walnut ' +
  'poppy seed roll bun croissant baker kitchen window queue smile taste warm golden crisp soft sweet salty slice box order ' +
  'pickup delivery thanks welcome open holiday we our you the a and with for on at').split(' ');
const FLAGGED = 'his her chairman crazy guys lame hell damn blind crap'.split(' ');

function rng(seed: number): () => number {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

/** Writes `count` posts and a config into `root`; returns the post files. */
export async function generatePosts(root: string, count: number): Promise<string[]> {
  await mkdir(join(root, 'posts'), { recursive: true });
  // alex's defaults (nothing allowed, every profanity rating), so both tools can report the same findings.
  await writeFile(join(root, 'copydesk.config.yaml'), 'timezone: Europe/Warsaw\nlang: en\nchannels:\n  bluesky: {}\n  mastodon:\n    max_characters: 1000\nspacing:\n  min_minutes: 30\nenglish:\n  allow: []\n  profanity_sureness: 0\n');
  const rand = rng(42);
  const files: string[] = [];
  const writes: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const words: string[] = [];
    for (let j = 0; j < WORDS; j++) words.push(rand() < 0.03 ? FLAGGED[Math.floor(rand() * FLAGGED.length)]! : PLAIN[Math.floor(rand() * PLAIN.length)]!);
    const sentence = (w: string[]) => w[0]!.charAt(0).toUpperCase() + w[0]!.slice(1) + ' ' + w.slice(1).join(' ') + '.';
    // UTC instants: a local time could fall in the hour skipped by daylight saving time (an error).
    const day = new Date(Date.UTC(2027, 1, 1) + i * 3_600_000 * 2).toISOString().slice(0, 19) + 'Z';
    const file = `posts/p${String(i).padStart(5, '0')}.md`;
    writes.push(writeFile(join(root, file), `---\nid: bench-${i}\npublish_at: "${day}"\nchannels: [bluesky, mastodon]\n---\n${sentence(words.slice(0, 40))}\n\n${sentence(words.slice(40))}\n`));
    files.push(file);
    if (writes.length >= 200) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  return files;
}
