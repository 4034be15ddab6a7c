/**
 * `media` (error): every attached file is a regular file inside the repository, reached without
 * any symbolic link (a link to /proc/self/environ, .git/config or a linked folder must never be
 * uploaded), has a type and a size every target network accepts, and no part carries more files
 * than a network allows. Files are checked by ../../post/media-file.ts, the reader the publisher
 * and the site use too. Limits: ../lengths.ts MEDIA_RULES.
 */
import { diag, type Diagnostic } from '../../diagnostic/diagnostic.ts';
import { inspectMediaFile } from '../../post/media-file.ts';
import type { PostMedia } from '../../post/post.ts';
import { MEDIA_RULES, mimeOf } from '../lengths.ts';
import type { Rule } from './rule.ts';

export const MEDIA = 'media';

const EXTENSIONS = 'jpg, jpeg, png, webp, gif or mp4';

export const mediaRule: Rule = async (post, { root, config }) => {
  const out: Diagnostic[] = [];
  const err = (m: PostMedia, message: string, fix: string) => out.push(diag(post.file, { line: m.line }, 'error', MEDIA, message, fix));
  if (post.media.length === 0) return out;
  // Threads downloads each image itself from a public address (src/publish/threads.ts): without
  // the site's address the publisher holds the post, so say it before the merge.
  if (post.channels.includes('threads') && !config.channels.threads.siteUrl) {
    err(post.media[0]!, 'Threads fetches images from a public address, and `channels.threads.site_url` is not set: the post would be held on Threads', 'Set `channels.threads.site_url` in copydesk.config.yaml to the public address of the copydesk site (it serves images at /media/…), or remove threads from `channels`.');
  }
  for (const [index, m] of post.media.entries()) {
    const name = m.repoPath;
    const info = await inspectMediaFile(root, m.repoPath);
    if (!info.ok) {
      if (info.code === 'missing') err(m, `media file ${name} does not exist`, `Add the file, or fix \`path: ${m.path}\` (relative to this post: ${post.file}).`);
      else if (info.code === 'not-a-file') err(m, `media path ${name} is not a file`, 'Point `path` at an image file.');
      // Security refusals name the field: the reviewer must see which entry points where.
      else err(m, `\`media[${index}].path\`: ${info.reason}`, info.fix);
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

function mb(n: number): string {
  return n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)} MB` : `${Math.ceil(n / 1000)} kB`;
}

/** Exact sizes, when rounding would show the file and the limit as the same number. */
function bytes(n: number): string {
  return `${n.toLocaleString('en-US')} bytes`;
}
