/**
 * The outbox: a channel that writes what would be published to files instead of a network, so
 * `npm start` and `copydesk publish` work on a fresh clone without any account. One JSON file per
 * part (`outbox/<network>/<postId>.<part>.json`, part 0-based) plus a `.txt` to read.
 * Idempotent: a part whose file exists is found and never written twice.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Channel, FindResult, OutgoingPart, RemoveResult, SendResult, SentRef } from './channel.ts';
import type { Network } from '../post/network.ts';

/** Default outbox folder under the repository root. */
export const OUTBOX_DIR = 'outbox';

/** What the JSON file holds. */
export interface OutboxRecord {
  /** Network the part was meant for. */
  network: Network;
  postId: string;
  part: number;
  partsTotal: number;
  text: string;
  lang: string;
  /** The attachments (the outbox records where they are and their size, not their bytes). */
  media: { repoPath: string; absPath: string; alt: string; mime: string; size: number }[];
  /** Id of the part this one replies to (thread). */
  inReplyTo?: string;
  idempotencyKey: string;
  /** Scheduled instant, ISO. */
  scheduledAt: string;
  /** When it was written (the send time), ISO. */
  writtenAt: string;
  visibility?: string;
  /** The ref the publisher records. */
  ref: SentRef;
  /** Set by `copydesk retract` (ISO): the part is taken back; the file stays as the record of what was out. */
  removedAt?: string;
}

/**
 * @param dir the outbox folder (usually `<root>/outbox`); files go to `<dir>/<network>/`.
 * @param network the network these parts were meant for.
 * @param clock when a part is marked removed (`copydesk retract` passes its clock; time is a parameter).
 */
export function createOutboxChannel(dir: string, network: Network, clock: () => Date = () => new Date()): Channel {
  const folder = join(dir, network);
  const base = (p: OutgoingPart) => join(folder, `${p.postId}.${p.part}`);
  const refOf = (p: OutgoingPart): SentRef => ({ id: `${network}/${p.postId}.${p.part}`, url: pathToFileURL(`${base(p)}.txt`).href });

  async function find(p: OutgoingPart): Promise<FindResult> {
    try {
      const rec = JSON.parse(await readFile(`${base(p)}.json`, 'utf8')) as OutboxRecord;
      return { status: 'found', ref: rec.ref ?? refOf(p) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'absent' };
      // Present but unreadable (torn write): it was written, so never write it again.
      try {
        await stat(`${base(p)}.json`);
        return { status: 'found', ref: refOf(p) };
      } catch {
        return { status: 'unknown', error: `cannot read ${base(p)}.json: ${(e as Error).message}` };
      }
    }
  }

  async function send(p: OutgoingPart): Promise<SendResult> {
    const existing = await find(p);
    if (existing.status === 'found') return { status: 'sent', ref: existing.ref };
    const ref = refOf(p);
    const rec: OutboxRecord = {
      network, postId: p.postId, part: p.part, partsTotal: p.partsTotal, text: p.text, lang: p.lang,
      media: p.media.map((m) => ({ repoPath: m.repoPath, absPath: m.absPath, alt: m.alt, mime: m.mime, size: m.bytes.byteLength })),
      ...(p.parent ? { inReplyTo: p.parent.id } : {}),
      idempotencyKey: p.idempotencyKey, scheduledAt: new Date(p.scheduledAt).toISOString(), writtenAt: p.now.toISOString(),
      ...(p.visibility ? { visibility: p.visibility } : {}),
      ref,
    };
    const txt = [
      `${network} · ${p.postId} · part ${p.part + 1} of ${p.partsTotal}${p.parent ? ` · reply to ${p.parent.id}` : ''}`,
      `scheduled ${rec.scheduledAt} · written ${rec.writtenAt}`,
      ...p.media.map((m) => `[image ${m.absPath}] alt: ${m.alt}`),
      '',
      p.text,
      '',
    ].join('\n');
    try {
      await mkdir(folder, { recursive: true });
      // The .txt first, the .json (what `find` looks at) last, each atomically: a crash in between leaves no "sent" file.
      await writeAtomic(`${base(p)}.txt`, txt);
      await writeAtomic(`${base(p)}.json`, JSON.stringify(rec, null, 2) + '\n');
    } catch (e) {
      return { status: 'failed', error: `cannot write to the outbox folder ${folder}: ${(e as Error).message}`, action: 'Check that the folder is writable (disk space, permissions), then run `copydesk publish --retry <post id>`.' };
    }
    return { status: 'sent', ref };
  }

  /**
   * Mark a part removed (`copydesk retract`): `removedAt` in its JSON, `REMOVED` atop its `.txt`.
   * The ref's id (`<network>/<postId>.<part>`) names the file; nothing outside the folder is touched.
   * A missing file or one already marked counts as removed (already gone).
   */
  async function remove(ref: SentRef, net: string): Promise<RemoveResult> {
    const now = clock();
    const m = /^([a-z]+)\/([A-Za-z0-9][A-Za-z0-9._-]{0,99})\.(\d{1,4})$/.exec(ref.id);
    if (!m || m[1] !== network || net !== network) {
      return { status: 'failed', error: `"${ref.id}" is not an outbox reference for ${network}`, action: 'Delete the file in the outbox folder by hand.' };
    }
    const file = join(folder, `${m[2]}.${m[3]}`);
    let rec: OutboxRecord;
    try {
      rec = JSON.parse(await readFile(`${file}.json`, 'utf8')) as OutboxRecord;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'removed', alreadyGone: true };
      return { status: 'retry', error: `cannot read ${file}.json: ${(e as Error).message}` };
    }
    if (rec.removedAt) return { status: 'removed', alreadyGone: true };
    try {
      await writeAtomic(`${file}.json`, JSON.stringify({ ...rec, removedAt: now.toISOString() }, null, 2) + '\n');
      try {
        const txt = await readFile(`${file}.txt`, 'utf8');
        await writeAtomic(`${file}.txt`, `REMOVED ${now.toISOString()} (copydesk retract)\n${txt}`);
      } catch {
        // The .txt is for people; the .json is the record.
      }
    } catch (e) {
      return { status: 'retry', error: `cannot write to the outbox folder ${folder}: ${(e as Error).message}` };
    }
    return { status: 'removed', alreadyGone: false };
  }

  return { name: 'outbox', find, send, remove: (ref, net) => remove(ref, net) };
}

async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}
