/**
 * `alt-text` (error): every image has alt text that describes it for people who cannot see it:
 * not empty, not the file name, not a placeholder ("image", "photo", "IMG_1234"), at least
 * 10 characters, and within each network's limit (Mastodon: 1,500 characters,
 * https://docs.joinmastodon.org/methods/media/#v2 `description`; Bluesky's app: 2,000).
 */
import { posix } from 'node:path';
import { diag, type Diagnostic } from '../../diagnostic/diagnostic.ts';
import { graphemes } from '../lengths.ts';
import { altLine } from '../text-position.ts';
import type { Rule } from './rule.ts';

export const ALT_TEXT = 'alt-text';
export const MIN_ALT = 10;
const MAX_ALT: Partial<Record<string, number>> = { mastodon: 1500, bluesky: 2000 };

const PLACEHOLDERS = new Set(['image', 'img', 'photo', 'picture', 'pic', 'graphic', 'screenshot', 'screen shot', 'alt', 'alt text', 'description', 'todo', 'tbd', 'placeholder', 'untitled', 'photo of', 'image of', 'picture of', 'an image', 'a photo', 'a picture', 'obraz', 'zdjęcie', 'zdjecie', 'grafika']);
/** Camera and phone file names: IMG_1234, DSC01234, PXL_20270101_101010, Screenshot 2027-01-01. */
const CAMERA = /^(?:img|dsc|dscn|dscf|pxl|mvimg|photo|image|screenshot|screen shot|whatsapp image|zdjęcie)[\s_-]*\d[\w\s.:-]*$/iu;

const example = 'Describe what the picture shows, e.g. `alt: A rhubarb tart with a lattice crust on a marble counter.`';

export const altTextRule: Rule = (post) => {
  const out: Diagnostic[] = [];
  post.media.forEach((m, i) => {
    const label = `media ${i + 1} (${posix.basename(m.repoPath)})`;
    const at = { line: altLine(post, m) };
    const alt = m.alt.trim();
    const simple = (s: string) => s.toLowerCase().replace(/[\s_.-]+/g, ' ').trim();
    const file = posix.basename(m.repoPath);
    const stem = file.replace(/\.[^.]+$/, '');
    let problem: string | undefined;
    if (!alt) problem = `${label} has no alt text`;
    else if ([file, stem].some((f) => simple(f) === simple(alt))) problem = `the alt text of ${label} is just the file name`;
    else if (PLACEHOLDERS.has(simple(alt).replace(/[^\p{L}\p{N} ]/gu, '').trim()) || CAMERA.test(alt)) problem = `the alt text of ${label} is a placeholder ("${alt}")`;
    else if (graphemes(alt) < MIN_ALT) problem = `the alt text of ${label} is too short to describe anything ("${alt}", ${graphemes(alt)} characters; at least ${MIN_ALT})`;
    if (problem) out.push(diag(post.file, at, 'error', ALT_TEXT, problem, `${example} People using screen readers hear only this.`));
    for (const network of post.channels) {
      const max = MAX_ALT[network];
      if (max !== undefined && graphemes(alt) > max) {
        out.push(diag(post.file, at, 'error', ALT_TEXT, `the alt text of ${label} is ${graphemes(alt)} characters; ${network} accepts at most ${max}`, `Shorten it by ${graphemes(alt) - max} characters: describe what matters in the picture.`));
      }
    }
  });
  return out;
};
