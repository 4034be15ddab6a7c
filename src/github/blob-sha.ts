/**
 * Git's object id for file content, as `git hash-object <file>` prints it: SHA-1 of
 * `blob <byte length>\0<bytes>`. The publisher hashes the exact bytes it is about to send and
 * passes the result to verifyApproval, which compares it with the blob GitHub reports
 * (`sha` of GET /repos/{o}/{r}/contents/{path}). https://git-scm.com/book/en/v2/Git-Internals-Git-Objects
 */
import { createHash } from 'node:crypto';

/** The git blob sha (40 hex digits) of `content`; strings are hashed as UTF-8. */
export function gitBlobSha(content: string | Uint8Array): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}
