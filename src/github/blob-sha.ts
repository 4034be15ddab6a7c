/**
 * Git's object id for file content, as `git hash-object --no-filters <file>` prints it: SHA-1 of
 * `blob <byte length>\0<bytes>`. The approval gate hashes the exact bytes about to be sent and
 * verifyApproval compares the result with the blob GitHub reports for the reviewed head
 * (`sha` of GET /repos/{o}/{r}/contents/{path}). https://git-scm.com/book/en/v2/Git-Internals-Git-Objects
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { join } from 'node:path';

/** The git blob sha (40 hex digits) of `content`; strings are hashed as UTF-8. */
export function gitBlobSha(content: string | Uint8Array): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

/** Why a file could not be hashed; each is said in words by {@link describeFileProblem}. */
export type FileBlobProblem = 'missing' | 'symlink' | 'not-a-file' | 'outside' | 'too-large' | 'changed' | 'unreadable';

/** Result of {@link gitBlobShaOfFile}. */
export type FileBlobResult =
  | { ok: true; /** Blob sha of the bytes read. */ sha: string; /** Their length. */ size: number }
  | { ok: false; /** What is wrong with the file. */ problem: FileBlobProblem; /** Extra detail (an errno code, a size). */ detail?: string };

/**
 * The blob sha of the repository file `repoPath` (resolved by the post parser to `absPath`), read
 * the way a careful publisher reads it: never through a symbolic link (O_NOFOLLOW, and every
 * directory on the way must resolve to itself), never inside `.git`, only a regular file (a fifo
 * would hang the run), at most `maxBytes`, and the same length at the end as at the start.
 */
export async function gitBlobShaOfFile(root: string, repoPath: string, absPath: string, maxBytes: number): Promise<FileBlobResult> {
  if (repoPath.split('/').some((s) => s === '.git' || s === '..' || s === '')) return { ok: false, problem: 'outside' };
  let handle;
  try {
    handle = await open(absPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, problem: 'missing' };
    if (code === 'ELOOP') return { ok: false, problem: 'symlink' };
    return { ok: false, problem: 'unreadable', detail: code ?? 'error' };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { ok: false, problem: 'not-a-file' };
    // A symlinked directory on the way (posts/media -> /etc) passes O_NOFOLLOW: compare real paths.
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(absPath)]);
    if (realFile !== join(realRoot, repoPath)) return { ok: false, problem: 'symlink' };
    if (info.size > maxBytes) return { ok: false, problem: 'too-large', detail: `${info.size} bytes, more than ${maxBytes}` };
    const hash = createHash('sha1').update(`blob ${info.size}\0`);
    let read = 0;
    for await (const chunk of handle.createReadStream({ autoClose: false, end: maxBytes })) {
      read += (chunk as Buffer).byteLength;
      hash.update(chunk as Buffer);
    }
    if (read !== info.size) return { ok: false, problem: 'changed' };
    return { ok: true, sha: hash.digest('hex'), size: read };
  } catch (err) {
    return { ok: false, problem: 'unreadable', detail: (err as NodeJS.ErrnoException).code ?? 'error' };
  } finally {
    await handle.close().catch(() => {});
  }
}

/** A sentence about `problem` for the file `repoPath`. */
export function describeFileProblem(repoPath: string, r: Extract<FileBlobResult, { ok: false }>): string {
  switch (r.problem) {
    case 'missing': return `${repoPath} does not exist in the checkout`;
    case 'symlink': return `${repoPath} is a symbolic link (or lies under one); copydesk never sends what a link points to`;
    case 'not-a-file': return `${repoPath} is not a regular file`;
    case 'outside': return `${repoPath} is not a file inside the repository`;
    case 'too-large': return `${repoPath} is too large to send (${r.detail})`;
    case 'changed': return `${repoPath} changed while it was being read`;
    case 'unreadable': return `${repoPath} cannot be read (${r.detail ?? 'error'})`;
  }
}
