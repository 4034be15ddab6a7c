/**
 * The one way copydesk turns a post's `media` entry into bytes: the check's media rule, the
 * publisher (Bluesky, Mastodon, the outbox) and the site all go through here, so what the check
 * passed, what the second reader approved and what is sent are the same regular file inside the
 * repository.
 *
 * A pull request controls the paths and the files: a symlink to /proc/self/environ, into .git/config
 * or a folder link (`posts/media -> /etc`) would otherwise publish secrets as a public image. So:
 * - the path is resolved once, here (`resolveMediaPath`), and never contains `..`, an absolute part
 *   or a `.git` folder;
 * - every component under the repository root is checked with lstat: no symbolic link anywhere;
 * - the file is opened with O_NOFOLLOW | O_NONBLOCK (a fifo must not block the run) and the opened
 *   descriptor is checked with fstat: a regular file, the same inode lstat saw (no swap in between);
 * - the size limit is enforced from fstat BEFORE reading, and at most limit + 1 bytes are read.
 * Every refusal is a result naming the reason and a fix, never a throw.
 * https://nodejs.org/api/fs.html#file-system-flags, https://man7.org/linux/man-pages/man2/open.2.html
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';

/** Why a media file is not used. */
export type MediaRefusalCode =
  /** The path leaves the repository, is absolute, or names a `.git` folder. */
  | 'outside'
  /** The file (or a folder on its path) is a symbolic link. */
  | 'symlink'
  /** Nothing at that path. */
  | 'missing'
  /** A folder, fifo, device or socket instead of a regular file. */
  | 'not-a-file'
  /** Larger than the limit (read from the file system before reading any byte). */
  | 'too-large'
  /** The file system refused (permissions, I/O error). */
  | 'unreadable';

/** A refusal, ready for a diagnostic or a publisher hold. */
export interface MediaRefusal {
  ok: false;
  code: MediaRefusalCode;
  /** What is wrong, naming the repository path (e.g. `posts/media/x.png is a symbolic link to /etc/passwd`). */
  reason: string;
  /** How to fix it, in words for the person who wrote the post. */
  fix: string;
  /** The file's size in bytes, when it is known (always for `too-large`). */
  size?: number;
}

/** The result of resolving a `media[].path` written in a post. */
export type MediaPath = { ok: true; repoPath: string } | MediaRefusal;

/** A media file that may be used: its size, and its bytes when they were read. */
export type MediaInfo = { ok: true; repoPath: string; size: number } | MediaRefusal;
export type MediaRead = { ok: true; repoPath: string; size: number; bytes: Uint8Array } | MediaRefusal;

const COPY_FIX = 'Commit the image itself under posts/ (e.g. posts/media/photo.png) and give its path relative to the post.';

/**
 * The repository path of a post's media entry: `path` is relative to the post file (`postFile`,
 * repository-relative with forward slashes). Backslashes count as slashes (a path written on
 * Windows). Refused: absolute paths, anything that leaves the repository once normalised
 * (`media/../../..`), any `.git` folder (whatever its case), NUL bytes.
 * This is THE resolution: the parser stores its result in `PostMedia.repoPath`, and the approval
 * gate compares the blob at exactly this path.
 */
export function resolveMediaPath(postFile: string, path: string): MediaPath {
  const written = path.replaceAll('\\', '/');
  const refuse = (why: string): MediaRefusal => ({ ok: false, code: 'outside', reason: `media path "${path}" ${why}`, fix: 'Put the file inside the repository (e.g. posts/media/) and give its path relative to this post.' });
  if (written.includes('\0')) return refuse('contains a NUL character');
  if (written === '') return refuse('is empty');
  if (posix.isAbsolute(written) || /^[A-Za-z]:/.test(written)) return refuse('points outside the repository');
  const repoPath = posix.normalize(posix.join(posix.dirname(postFile), written));
  if (repoPath === '..' || repoPath.startsWith('../') || repoPath === '.' || repoPath.endsWith('/')) return refuse('points outside the repository');
  if (repoPath.split('/').some((c) => c.toLowerCase() === '.git')) return { ok: false, code: 'outside', reason: `media path "${path}" points into the .git folder (${repoPath})`, fix: 'Media must be files committed to the repository, never git\'s own files.' };
  return { ok: true, repoPath };
}

/** Check a media file without reading it: for the check, which needs only its size. */
export async function inspectMediaFile(root: string, repoPath: string): Promise<MediaInfo> {
  const opened = await openMediaFile(root, repoPath);
  if (!opened.ok) return opened;
  await opened.handle.close().catch(() => {});
  return { ok: true, repoPath, size: opened.size };
}

/**
 * Read a media file, refusing it (without reading) when it is larger than `maxBytes`. Reads at
 * most `maxBytes + 1` bytes, so a file that grows while being read is refused too.
 */
export async function readMediaFile(root: string, repoPath: string, maxBytes: number): Promise<MediaRead> {
  const opened = await openMediaFile(root, repoPath);
  if (!opened.ok) return opened;
  const { handle, size } = opened;
  try {
    if (size > maxBytes) return tooLargeRefusal(repoPath, size, maxBytes);
    const buf = Buffer.alloc(Math.min(size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n >= buf.length) break;
    }
    if (n > maxBytes) return tooLargeRefusal(repoPath, n, maxBytes);
    // Grown or shrunk while being read: not the file that was measured (or approved).
    if (n !== size) return { ok: false, code: 'unreadable', reason: `media file ${repoPath} changed while it was being read`, fix: 'Run again; nothing else may change the repository while copydesk reads it.' };
    return { ok: true, repoPath, size: n, bytes: new Uint8Array(buf.buffer, buf.byteOffset, n) };
  } catch (e) {
    return unreadable(repoPath, e);
  } finally {
    await handle.close().catch(() => {});
  }
}

type Opened = { ok: true; handle: FileHandle; size: number } | MediaRefusal;

async function openMediaFile(root: string, repoPath: string): Promise<Opened> {
  // Re-check the path even though the parser resolved it: callers may build paths themselves.
  const checked = resolveMediaPath('', repoPath);
  if (!checked.ok || checked.repoPath !== repoPath) return checked.ok ? { ok: false, code: 'outside', reason: `media path "${repoPath}" is not a plain repository path`, fix: COPY_FIX } : checked;
  let realRoot: string;
  try {
    // The root itself may be a link (e.g. /tmp on macOS); only what lies under it is the post's.
    realRoot = await realpath(root);
  } catch (e) {
    return unreadable(repoPath, e);
  }
  const parts = repoPath.split('/');
  let at = realRoot;
  let last: Stats | undefined;
  for (const [i, part] of parts.entries()) {
    at = `${at}/${part}`;
    const shown = parts.slice(0, i + 1).join('/');
    let s: Stats;
    try {
      s = await lstat(at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, code: 'missing', reason: `media file ${repoPath} does not exist`, fix: 'Add the file, or fix `path` (relative to the post file).' };
      return unreadable(repoPath, e);
    }
    if (s.isSymbolicLink()) return symlinkRefusal(repoPath, shown, at);
    if (i < parts.length - 1 && !s.isDirectory()) return { ok: false, code: 'missing', reason: `media file ${repoPath} does not exist (${shown} is not a folder)`, fix: 'Fix `path` (relative to the post file).' };
    last = s;
  }
  if (!last!.isFile()) return notAFile(repoPath, last!);
  let handle: FileHandle;
  try {
    // O_NOFOLLOW: a link swapped in after the lstat is refused by the kernel (ELOOP);
    // O_NONBLOCK: opening a fifo swapped in never waits for a writer.
    handle = await open(at, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') return symlinkRefusal(repoPath, repoPath, at);
    if (code === 'ENOENT') return { ok: false, code: 'missing', reason: `media file ${repoPath} does not exist`, fix: 'Add the file, or fix `path` (relative to the post file).' };
    return unreadable(repoPath, e);
  }
  try {
    const s = await handle.stat();
    if (!s.isFile()) {
      await handle.close().catch(() => {});
      return notAFile(repoPath, s);
    }
    if (s.ino !== last!.ino || s.dev !== last!.dev) {
      await handle.close().catch(() => {});
      return { ok: false, code: 'unreadable', reason: `media file ${repoPath} changed while it was being opened`, fix: 'Run again; nothing else may change the repository while copydesk reads it.' };
    }
    return { ok: true, handle, size: s.size };
  } catch (e) {
    await handle.close().catch(() => {});
    return unreadable(repoPath, e);
  }
}

async function symlinkRefusal(repoPath: string, shown: string, abs: string): Promise<MediaRefusal> {
  const target = await readlink(abs).catch(() => undefined);
  const what = shown === repoPath ? `${repoPath} is a symbolic link` : `${shown} (a folder on the path of ${repoPath}) is a symbolic link`;
  return { ok: false, code: 'symlink', reason: `${what}${target ? ` to ${target}` : ''}; media must be a regular file in the repository`, fix: `Replace the link with the image file itself: ${COPY_FIX}` };
}

function notAFile(repoPath: string, s: Stats): MediaRefusal {
  const kind = s.isDirectory() ? 'a folder' : s.isFIFO() ? 'a named pipe (fifo)' : s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : s.isSocket() ? 'a socket' : 'not a regular file';
  return { ok: false, code: 'not-a-file', reason: `media path ${repoPath} is ${kind}, not an image file`, fix: 'Point `path` at an image file.' };
}

/** The refusal for a file of `size` bytes over `max` (also for callers that measured it with `inspectMediaFile`). */
export function tooLargeRefusal(repoPath: string, size: number, max: number): MediaRefusal {
  // Exact bytes when rounding would show the file and the limit as the same number.
  const [a, b] = formatBytes(size) === formatBytes(max) ? [exactBytes(size), exactBytes(max)] : [formatBytes(size), formatBytes(max)];
  return { ok: false, code: 'too-large', size, reason: `media file ${repoPath} is ${a}; at most ${b} is read`, fix: `Compress or resize it below ${b}.` };
}

/** System error codes in words: a person reads these, not `ENOENT`. */
const SYSTEM_WORDS: Record<string, string> = {
  EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'it is a folder', ELOOP: 'it loops through symbolic links',
  EMFILE: 'too many files are open', ENFILE: 'too many files are open', EIO: 'the disk could not be read', ENAMETOOLONG: 'the path is too long',
};

function unreadable(repoPath: string, e: unknown): MediaRefusal {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, code: 'missing', reason: `media file ${repoPath} does not exist`, fix: 'Add the file, or fix `path` (relative to the post file).' };
  return { ok: false, code: 'unreadable', reason: `media file ${repoPath} cannot be read (${SYSTEM_WORDS[code] ?? 'the system refused to read it'})`, fix: 'Check that the file exists and is readable.' };
}

/** Sizes for people: GB, MB above a million bytes, else exact bytes. */
export function formatBytes(n: number): string {
  if (n >= 1_000_000_000) return `${(n / 1_000_000_000).toFixed(1)} GB`;
  return n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)} MB` : exactBytes(n);
}

function exactBytes(n: number): string {
  return `${n.toLocaleString('en-US')} bytes`;
}
