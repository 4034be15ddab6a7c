/**
 * Reads one content file (a post, a holding statement) from the repository, refusing anything that
 * is not a plain file inside it, and never blocking:
 * - `lstat` first: a symbolic link is refused (a link can make the text the check reads differ
 *   from what a reviewer sees in the pull request, or point outside the repository);
 * - a named pipe (fifo), socket or device is refused before it is opened: reading a fifo waits
 *   forever for a writer;
 * - the file is opened with `O_NOFOLLOW | O_NONBLOCK` and checked again with `fstat` (it may have
 *   been swapped since the `lstat`), and its size is checked before a byte is read.
 * Errors are sentences for people: no `EISDIR`, no `ENOENT`, no absolute paths.
 * https://nodejs.org/api/fs.html#file-open-constants
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import { lstat, open, realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

/** The bytes, or a sentence and a fix; `missing` when there is no such file (a caller may not mind). */
export type ReadResult = { ok: true; bytes: Uint8Array } | { ok: false; message: string; fix: string; missing?: true };

const FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

function symlinkRefusal(file: string): { message: string; fix: string } {
  return {
    message: `${file} is a symbolic link: symbolic links are refused, because a link can show the check and the reviewer one text and publish another (or reach outside the repository)`,
    fix: 'Replace the link with the file itself (copy its content into the post).',
  };
}

/** Why a file of this type cannot be read as a post, or undefined for a plain file. */
export function refusedType(file: string, s: Stats): { message: string; fix: string } | undefined {
  if (s.isSymbolicLink()) return symlinkRefusal(file);
  if (s.isDirectory()) return { message: `${file} is a folder, not a post file`, fix: 'Rename the folder so its name does not end in .md (posts inside folders are found anyway).' };
  if (!s.isFile()) {
    const kind = s.isFIFO() ? 'a named pipe (fifo)' : s.isSocket() ? 'a socket' : 'a device';
    return { message: `${file} is ${kind}, not a plain file: it was not read`, fix: 'Remove it from the repository; posts are plain Markdown files.' };
  }
  return undefined;
}

function tooBig(size: number, maxBytes: number, what: string): { message: string; fix: string } {
  return {
    message: `the file is ${(size / 1024 / 1024).toFixed(1)} MB; ${what} may be at most ${maxBytes / 1024} KB`,
    fix: 'Move large content out of it (media go in their own files, referenced from `media`).',
  };
}

function failure(file: string, e: unknown): ReadResult & { ok: false } {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, missing: true, message: `${file} does not exist`, fix: 'Check the path: give a file inside the repository, e.g. posts/2027/my-post.md.' };
  if (code === 'ELOOP') return refusal(symlinkRefusal(file));
  if (code === 'EACCES' || code === 'EPERM') return { ok: false, message: `${file} cannot be read: permission denied`, fix: 'Make the file readable (chmod a+r), or remove it.' };
  return { ok: false, message: `${file} cannot be read`, fix: 'Check that it is a plain, readable Markdown file.' };
}

const refusal = (r: { message: string; fix: string }): { ok: false; message: string; fix: string } => ({ ok: false, ...r });

/** Read `file` (repository-relative) of `root`, at most `maxBytes` (`what` names the file in the size message). */
export async function readPostFile(root: string, file: string, maxBytes: number, what = 'a post file'): Promise<ReadResult> {
  const abs = resolve(root, file);
  try {
    const s = await lstat(abs);
    const refused = refusedType(file, s);
    if (refused) return refusal(refused);
    // A symbolic link higher up (posts/2027 -> /somewhere) is refused too.
    const [real, realRoot] = await Promise.all([realpath(abs), realpath(root)]);
    if (real !== resolve(realRoot, file)) return refusal(linkedFolder(file, real.startsWith(realRoot + sep)));
    if (s.size > maxBytes) return refusal(tooBig(s.size, maxBytes, what));
    const handle = await open(abs, FLAGS);
    try {
      const st = await handle.stat();
      const again = refusedType(file, st);
      if (again) return refusal(again);
      if (st.size > maxBytes) return refusal(tooBig(st.size, maxBytes, what));
      const bytes = new Uint8Array(st.size);
      let n = 0;
      while (n < bytes.length) {
        const { bytesRead } = await handle.read(bytes, n, bytes.length - n, n);
        if (bytesRead === 0) break;
        n += bytesRead;
      }
      return { ok: true, bytes: bytes.subarray(0, n) };
    } finally {
      await handle.close();
    }
  } catch (e) {
    return failure(file, e);
  }
}

/** The same, synchronously (for worker threads, which have nothing else to do meanwhile). */
export function readPostFileSync(root: string, file: string, maxBytes: number, what = 'a post file'): ReadResult {
  const abs = resolve(root, file);
  try {
    const refused = refusedType(file, lstatSync(abs));
    if (refused) return refusal(refused);
    const fd = openSync(abs, FLAGS);
    try {
      const st = fstatSync(fd);
      const again = refusedType(file, st);
      if (again) return refusal(again);
      if (st.size > maxBytes) return refusal(tooBig(st.size, maxBytes, what));
      const bytes = new Uint8Array(st.size);
      let n = 0;
      while (n < bytes.length) {
        const read = readSync(fd, bytes, n, bytes.length - n, n);
        if (read === 0) break;
        n += read;
      }
      return { ok: true, bytes: bytes.subarray(0, n) };
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return failure(file, e);
  }
}

function linkedFolder(file: string, inside: boolean): { message: string; fix: string } {
  return {
    message: `${file} is reached through a symbolic link to a folder${inside ? '' : ' outside the repository'}: symbolic links are refused, because a link can show the check and the reviewer one text and publish another`,
    fix: 'Replace the linked folder with a real folder holding the posts.',
  };
}
