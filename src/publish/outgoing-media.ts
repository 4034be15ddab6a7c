/**
 * The publisher's side of media: which bytes a part sends, read only through the one media reader
 * (../post/media-file.ts), so a symlink to /proc/self/environ, a file in .git, a fifo or a 50 MB
 * file is never opened for reading, let alone uploaded. Channels never touch the file system:
 * they get the bytes read here (`OutgoingMedia.bytes`), the same bytes the approval gate can hash.
 */
import { MEDIA_RULES, mimeOf } from '../check/lengths.ts';
import { inspectMediaFile, tooLargeRefusal, readMediaFile, type MediaRefusal } from '../post/media-file.ts';
import type { Post, PostMedia } from '../post/post.ts';
import type { OutgoingMedia } from './channel.ts';
import type { Network } from '../post/network.ts';

/** Why a post cannot go out on a network because of its media. */
export interface MediaHold {
  /** The refusal in words, naming the repository path. */
  reason: string;
  /** What a person does about it. */
  action: string;
}

export type PartMedia = { ok: true; media: OutgoingMedia[] } | ({ ok: false } & MediaHold);

/** Largest file `network` accepts for `mime` (MEDIA_RULES, the same limits the check applies), or undefined. */
export function mediaLimit(network: Network, mime: string | undefined): number | undefined {
  return mime === undefined ? undefined : MEDIA_RULES[network].types[mime];
}

/**
 * Read the media of one part for one network, each file refused (unread) above that network's
 * limit for its type. `root` is the repository root the post's `repoPath`s are relative to.
 */
export async function readPartMedia(root: string, post: Post, network: Network, part: number): Promise<PartMedia> {
  return readMediaList(root, post, network, post.media.filter((m) => m.part === part));
}

/**
 * Check every media file of the whole post for `network` before its first part goes out, so a bad
 * image in part 3 holds the thread instead of stranding it after part 1. Opens and measures each
 * file without reading it; each part's own read (`readPartMedia`) is what is sent.
 */
export async function checkPostMedia(root: string, post: Post, network: Network): Promise<MediaHold | undefined> {
  for (const m of post.media) {
    // Where the path leads first: a link to /etc must be reported as a link, whatever its name.
    const info = await inspectMediaFile(root, m.repoPath);
    if (!info.ok) return refused(post, m, info);
    const mime = mimeOf(m.path);
    const max = mediaLimit(network, mime);
    if (max === undefined) return typeRefused(post, m, network, mime);
    if (info.size > max) return refused(post, m, tooLargeRefusal(m.repoPath, info.size, max));
  }
  return undefined;
}

async function readMediaList(root: string, post: Post, network: Network, list: readonly PostMedia[]): Promise<PartMedia> {
  const media: OutgoingMedia[] = [];
  for (const m of list) {
    const mime = mimeOf(m.path);
    const max = mediaLimit(network, mime);
    if (max === undefined) return { ok: false, ...typeRefused(post, m, network, mime) };
    const read = await readMediaFile(root, m.repoPath, max);
    if (!read.ok) return refused(post, m, read);
    media.push({ repoPath: m.repoPath, absPath: m.absPath, alt: m.alt, mime: mime!, bytes: read.bytes });
  }
  return { ok: true, media };
}

function typeRefused(post: Post, m: PostMedia, network: Network, mime: string | undefined): MediaHold {
  return { reason: `${m.repoPath} (${post.file} line ${m.line}, \`media\`) is ${mime ?? 'of an unknown type'}, which ${network} does not accept`, action: `Use an image type ${network} accepts, or remove ${network} from \`channels\`; then run \`copydesk check\`.` };
}

function refused(post: Post, m: PostMedia, r: MediaRefusal): { ok: false } & MediaHold {
  return { ok: false, reason: `${r.reason} (${post.file} line ${m.line}, \`media\`)`, action: `${r.fix} Nothing was sent; \`copydesk check\` shows the same problem.` };
}

/**
 * The repository root a parsed post belongs to (its absolute path minus its repository path), for
 * callers that were not given the root.
 */
export function rootOfPost(post: Post): string {
  const tail = `/${post.file}`;
  return post.absPath.endsWith(tail) ? post.absPath.slice(0, -tail.length) || '/' : post.absPath.slice(0, post.absPath.lastIndexOf('/')) || '/';
}
