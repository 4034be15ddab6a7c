/**
 * `media` (error): every attached file exists, is a regular file inside the repository even after
 * following symlinks (a link to /etc/passwd or ~/.ssh must never be uploaded), has a type and a
 * size every target network accepts, and no part carries more files than a network allows.
 * Limits: ../lengths.ts MEDIA_RULES.
 */
import { realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { diag, type Diagnostic } from '../../diagnostic/diagnostic.ts';
import type { PostMedia } from '../../post/post.ts';
import { MEDIA_RULES, mimeOf } from '../lengths.ts';
import type { Rule } from './rule.ts';

export const MEDIA = 'media';

const EXTENSIONS = 'jpg, jpeg, png, webp, gif or mp4';

export const mediaRule: Rule = async (post, { root }) => {
  const out: Diagnostic[] = [];
  const err = (m: PostMedia, message: string, fix: string) => out.push(diag(post.file, { line: m.line }, 'error', MEDIA, message, fix));
  if (post.media.length === 0) return out;
  const realRoot = await realRootOf(root);
  for (const m of post.media) {
    const name = m.repoPath;
    let real: string;
    try {
      real = await realpath(m.absPath);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') err(m, `media file ${name} does not exist`, `Add the file, or fix \`path: ${m.path}\` (relative to this post: ${post.file}).`);
      else err(m, `media file ${name} cannot be read (${code ?? 'error'})`, 'Check that the file exists and is readable.');
      continue;
    }
    if (real !== realRoot && !real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) {
      err(m, `media file ${name} resolves to a file outside the repository (through a symbolic link)`, 'Copy the image into the repository (e.g. posts/media/) instead of linking to it.');
      continue;
    }
    const info = await stat(real);
    if (!info.isFile()) {
      err(m, `media path ${name} is not a file`, 'Point `path` at an image file.');
      continue;
    }
    const mime = mimeOf(m.path);
    if (!mime) {
      err(m, `media file ${name} has a type copydesk cannot publish`, `Use a ${EXTENSIONS} file.`);
      continue;
    }
    for (const network of post.channels) {
      const max = MEDIA_RULES[network].types[mime];
      if (max === undefined) {
        const accepted = Object.keys(MEDIA_RULES[network].types).join(', ');
        err(m, `${network} does not accept ${mime} (${name})`, `Use one of ${accepted} for ${network}, or remove ${network} from \`channels\`.`);
      } else if (info.size > max) {
        const [size, limit] = mb(info.size) === mb(max) ? [bytes(info.size), bytes(max)] : [mb(info.size), mb(max)];
        err(m, `media file ${name} is ${size}; ${network} accepts at most ${limit} for ${mime}`, `Compress or resize it below ${limit}.`);
      }
    }
  }
  for (const network of post.channels) {
    const max = MEDIA_RULES[network].max;
    for (const part of post.parts) {
      const items = post.media.filter((m) => m.part === part.index);
      if (items.length > max) {
        err(items[max]!, `part ${part.index + 1} has ${items.length} media files; ${network} allows at most ${max} per post`, `Keep ${max} or move the others to another thread part with \`part:\`.`);
      }
    }
  }
  return out;
};

const realRoots = new Map<string, Promise<string>>();

/** The repository root with symlinks resolved (once per root). */
function realRootOf(root: string): Promise<string> {
  let p = realRoots.get(root);
  if (!p) realRoots.set(root, (p = realpath(root).catch(() => root)));
  return p;
}

function mb(n: number): string {
  return n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)} MB` : `${Math.ceil(n / 1000)} kB`;
}

/** Exact sizes, when rounding would show the file and the limit as the same number. */
function bytes(n: number): string {
  return `${n.toLocaleString('en-US')} bytes`;
}
