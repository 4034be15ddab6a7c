/**
 * The Bluesky record key of a thread part, derived from the part itself so that every run and every
 * retry of the same (post, network, part) writes to the same `at://…/app.bsky.feed.post/<rkey>`.
 * That makes publishing idempotent: a second write lands on an existing key (the PDS refuses it),
 * and a read-back after a crash looks in exactly one place.
 *
 * `app.bsky.feed.post` records must use TID keys (https://atproto.com/specs/record-key#record-key-type-tid):
 * 53 bits of microseconds since the epoch + 10 bits of "clock id", base32-sortable encoded
 * (https://atproto.com/specs/tid). We use:
 * - timestamp = `scheduledAt` in microseconds + the part index, so parts of one thread sort in order
 *   and never share a timestamp;
 * - clock id = 10 bits of SHA-256(`idempotencyKey`), so two posts scheduled for the same millisecond
 *   almost never share a key (1 in 1024 for the same part index; the channel still detects such a
 *   clash by comparing the text it finds with the text it meant to send).
 */
import { createHash } from 'node:crypto';
import { TID } from '@atproto/common-web';
import type { OutgoingPart } from './channel.ts';

/** Highest part index that still fits inside the scheduled millisecond (1000 µs). */
export const MAX_PART_INDEX = 999;

/**
 * A TID is 13 base32 characters: 11 for the timestamp, 2 for the clock id. Timestamps below 32^10 µs
 * (September 2005) encode to fewer characters, and the top bit must stay 0 (below 2^53 µs, year 2255).
 */
const MIN_MICROS = 32 ** 10;

/**
 * The TID record key for a part. Same input, same key; different parts of a thread, different keys.
 * @throws RangeError when `scheduledAt` or `part` cannot produce a valid TID (a publisher bug, not user input).
 */
export function recordKeyFor(part: Pick<OutgoingPart, 'scheduledAt' | 'part' | 'idempotencyKey'>): string {
  if (!Number.isSafeInteger(part.scheduledAt) || part.scheduledAt <= 0) {
    throw new RangeError(`scheduledAt must be a positive whole number of epoch milliseconds, got ${part.scheduledAt}`);
  }
  if (!Number.isInteger(part.part) || part.part < 0 || part.part > MAX_PART_INDEX) {
    throw new RangeError(`part must be a whole number from 0 to ${MAX_PART_INDEX}, got ${part.part}`);
  }
  if (part.idempotencyKey.length === 0) throw new RangeError('idempotencyKey must not be empty');
  const micros = part.scheduledAt * 1000 + part.part;
  if (micros < MIN_MICROS || !Number.isSafeInteger(micros)) {
    throw new RangeError(`scheduledAt ${part.scheduledAt} is outside the range a Bluesky record key can encode (2005 to 2255)`);
  }
  const digest = createHash('sha256').update(part.idempotencyKey, 'utf8').digest();
  const clockId = digest.readUInt16BE(0) & 0x3ff;
  return TID.fromTime(micros, clockId).toString();
}
