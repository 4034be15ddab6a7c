/**
 * The Bluesky channel: one thread part becomes one `app.bsky.feed.post` record, written with
 * `com.atproto.repo.createRecord` at a record key derived from the part (see bluesky-tid.ts), so a
 * repeat of the same part can never create a second post: the PDS refuses a second record at the
 * same key, and we read the key back to tell "already there" from "lost".
 *
 * API docs relied on:
 * - posting, replies, images, facets: https://docs.bsky.app/docs/advanced-guides/posts
 * - record shape: https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/feed/post.json
 * - app passwords and createSession limits (30 per 5 min, 300 per day per account):
 *   https://docs.bsky.app/docs/advanced-guides/rate-limits — so we log in lazily, once per channel.
 */
import { AtpAgent } from '@atproto/api';
import type { AppBskyEmbedImages, AppBskyFeedPost } from '@atproto/api';
import { aspectRatioOf } from './bluesky-aspect-ratio.ts';
import { externalEmbed } from './bluesky-card.ts';
import { buildFacets } from './bluesky-facets.ts';
import type { HandleResolution } from './bluesky-facets.ts';
import { describeXrpcError, redact } from './bluesky-outcome.ts';
import type { XrpcProblem } from './bluesky-outcome.ts';
import { recordKeyFor } from './bluesky-tid.ts';
import type { Channel, FindResult, OutgoingPart, RemoveResult, SendResult, SentRef } from './channel.ts';

export { recordKeyFor } from './bluesky-tid.ts';
export { BLUESKY_PASSWORD_SECRET } from './bluesky-outcome.ts';

/** How to reach and log in to a Bluesky account. */
export interface BlueskyChannelOptions {
  /** PDS or entryway base URL, e.g. `https://bsky.social`. */
  service: string;
  /** Handle (`name.bsky.social`), DID or email of the account. */
  identifier: string;
  /** An app password (https://bsky.app/settings/app-passwords), never the main password. Never shown. */
  password: string;
  /** The fetch to use (injectable for tests; defaults to the global fetch). */
  fetch?: typeof fetch;
  /** Give up waiting for any one HTTP answer after this many milliseconds (default 30 000). */
  timeoutMs?: number;
  /**
   * Called with each session token (access and refresh JWT) the moment createSession or
   * refreshSession returns it, before any request uses it: the run masks and redacts it (secret-sink.ts).
   */
  onSecret?: (value: string) => void;
}

/** The post collection (NSID) every record goes into. */
const POST_COLLECTION = 'app.bsky.feed.post';
/** app.bsky.embed.images: at most 4 images, each at most 2,000,000 bytes (`maxSize` in the lexicon). */
const MAX_IMAGES = 4;
const MAX_IMAGE_BYTES = 2_000_000;
const DEFAULT_TIMEOUT_MS = 30_000;

/** A logged-in session, or why there is none. */
type Login = { ok: true; agent: AtpAgent; did: string; handle: string } | { ok: false; problem: XrpcProblem };

/** Every non-sent result. */
type NotSent = Exclude<SendResult, { status: 'sent' }>;

/** Create the Bluesky channel. Makes no request until the first `find` or `send`. */
export function createBlueskyChannel(opts: BlueskyChannelOptions): Channel {
  const baseFetch = opts.fetch ?? globalThis.fetch;
  const timedFetch = withTimeout(baseFetch, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let login: Promise<Login> | undefined;
  // Session tokens are JWTs, which redact() scrubs by shape; the password is scrubbed by value.
  const secrets = (): string[] => [opts.password];

  const problem = (err: unknown, what: string): XrpcProblem => describeXrpcError(err, what, opts.identifier, secrets());

  /** Log in on first use, and only once per channel: createSession is tightly rate limited. */
  function session(): Promise<Login> {
    login ??= (async (): Promise<Login> => {
      try {
        // Inside the try: a malformed service URL throws here, and must become a result, not a crash.
        // persistSession runs inside login/refresh, before the new tokens are used for any request.
        const agent = new AtpAgent({
          service: opts.service,
          fetch: timedFetch,
          persistSession: (_evt, sess) => {
            if (sess) for (const jwt of [sess.accessJwt, sess.refreshJwt]) opts.onSecret?.(jwt);
          },
        });
        const res = await agent.login({ identifier: opts.identifier, password: opts.password });
        return { ok: true, agent, did: res.data.did, handle: res.data.handle };
      } catch (err) {
        return { ok: false, problem: problem(err, 'login (createSession)') };
      }
    })();
    return login;
  }

  /** Read the record at `rkey`: is it there, and is it the text we meant to publish? */
  async function readBack(
    s: Extract<Login, { ok: true }>,
    part: OutgoingPart,
    rkey: string,
  ): Promise<FindResult | { status: 'clash'; uri: string; error: string }> {
    try {
      const res = await s.agent.com.atproto.repo.getRecord({ repo: s.did, collection: POST_COLLECTION, rkey });
      const text = (res.data.value as { text?: unknown }).text;
      if (text !== part.text) {
        return {
          status: 'clash',
          uri: res.data.uri,
          error:
            `Bluesky record ${res.data.uri} holds different text than ${part.postId} part ${part.part + 1}: ` +
            'either the post was edited after this part went out, or two posts share a record key.',
        };
      }
      return { status: 'found', ref: refFor(s, rkey, res.data.uri, res.data.cid) };
    } catch (err) {
      const p = problem(err, 'getRecord');
      return p.kind === 'not-found' ? { status: 'absent' } : { status: 'unknown', error: p.error };
    }
  }

  /**
   * Take one post record down: `com.atproto.repo.getRecord` to tell "already gone" (the PDS answers
   * deleteRecord for a missing record with success too), then `com.atproto.repo.deleteRecord` by the
   * record key, with `swapRecord` = the cid we published so only that exact record is deleted.
   * https://docs.bsky.app/docs/api/com-atproto-repo-delete-record
   */
  async function remove(ref: SentRef): Promise<RemoveResult> {
    const m = ref.uri ? /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([A-Za-z0-9._:~-]{1,512})$/.exec(ref.uri) : null;
    if (!m || m[2] !== ref.id) return { status: 'failed', error: `"${ref.uri ?? ref.id}" is not a Bluesky post record`, action: 'Find the post on Bluesky and delete it by hand.' };
    const s = await session();
    if (!s.ok) return notRemoved(s.problem);
    if (m[1] !== s.did) return { status: 'failed', error: `the record ${ref.uri} belongs to ${m[1]}, not to the account ${opts.identifier} (${s.did})`, action: `Log in as the account that published it (channels.bluesky.identifier) and run \`copydesk retract\` again, or delete it by hand${ref.url ? ` at ${ref.url}` : ''}.` };
    let cid: string | undefined;
    try {
      const res = await s.agent.com.atproto.repo.getRecord({ repo: s.did, collection: POST_COLLECTION, rkey: ref.id });
      cid = res.data.cid;
    } catch (err) {
      const p = problem(err, 'getRecord');
      if (p.kind === 'not-found') return { status: 'removed', alreadyGone: true };
      return notRemoved(p);
    }
    try {
      await s.agent.com.atproto.repo.deleteRecord({ repo: s.did, collection: POST_COLLECTION, rkey: ref.id, ...(cid ? { swapRecord: cid } : {}) });
      return { status: 'removed', alreadyGone: false };
    } catch (err) {
      const p = problem(err, 'deleteRecord');
      if (p.kind === 'not-found') return { status: 'removed', alreadyGone: true };
      return notRemoved(p);
    }
  }

  return {
    name: 'bluesky',
    remove,

    async find(part) {
      const rkey = keyOrError(part);
      if (typeof rkey !== 'string') return { status: 'unknown', error: rkey.error };
      const s = await session();
      if (!s.ok) return { status: 'unknown', error: loginText(s.problem) };
      const found = await readBack(s, part, rkey);
      return found.status === 'clash' ? { status: 'unknown', error: found.error } : found;
    },

    async send(part) {
      const rkey = keyOrError(part);
      if (typeof rkey !== 'string') return { status: 'failed', error: rkey.error, action: rkey.action };
      const local = checkLocally(part);
      if (!local.ok) return local.result;

      const s = await session();
      if (!s.ok) return notSentFromProblem(s.problem, 'nothing was sent');

      const facets = await buildFacets(part.text, (handle) => resolveHandle(s.agent, handle, problem));
      if (!facets.ok) return { status: 'retry', error: redact(`Bluesky: ${facets.error} (nothing was sent)`, secrets()) };

      const images: AppBskyEmbedImages.Image[] = [];
      for (const [i, media] of part.media.entries()) {
        try {
          const res = await s.agent.uploadBlob(local.files[i]!, { encoding: media.mime });
          const aspectRatio = aspectRatioOf(local.files[i]!);
          images.push({ image: res.data.blob, alt: media.alt, ...(aspectRatio ? { aspectRatio } : {}) });
        } catch (err) {
          // An uploaded blob is invisible until a post references it: every failure here is "not sent".
          return notSentFromProblem(problem(err, `uploadBlob (${media.repoPath})`), 'nothing was published');
        }
      }

      // A link card only on a part without images (one embed per record); never fails the part.
      const card = images.length === 0 && part.card ? await externalEmbed(s.agent, part.card) : undefined;
      const embed = images.length > 0 ? { $type: 'app.bsky.embed.images', images } : card?.embed;

      const record: AppBskyFeedPost.Record = {
        $type: POST_COLLECTION,
        text: part.text,
        langs: [part.lang],
        // The real send time: Bluesky shows it as the post's time, so it is never backdated.
        createdAt: part.now.toISOString(),
        ...(facets.facets.length > 0 ? { facets: facets.facets } : {}),
        ...(embed ? { embed } : {}),
        ...(local.reply ? { reply: local.reply } : {}),
      };

      try {
        const res = await s.agent.com.atproto.repo.createRecord({ repo: s.did, collection: POST_COLLECTION, rkey, record });
        return { status: 'sent', ref: refFor(s, rkey, res.data.uri, res.data.cid), ...(card?.note ? { note: card.note } : {}) };
      } catch (err) {
        const p = problem(err, 'createRecord');
        if (p.kind !== 'no-answer' && p.kind !== 'server') return notSentFromProblem(p, 'the post was not created');
        // The record may exist: a repeat after a crash hits the existing key (the PDS answers 500), or
        // our answer was lost after the PDS wrote it. Only a read-back can tell.
        const found = await readBack(s, part, rkey);
        if (found.status === 'found') return { status: 'sent', ref: found.ref };
        if (found.status === 'clash') {
          return {
            status: 'failed',
            error: found.error,
            action:
              `Look at ${found.uri}: if it is this part, record it as sent; otherwise move the post's schedule ` +
              'by a minute so it gets a new record key, then publish again.',
          };
        }
        const after = found.status === 'absent' ? 'it is not there (yet)' : `reading it back failed too: ${found.error}`;
        return { status: 'unknown', error: `${p.error}; ${after}` };
      }
    },
  };
}

/** Wrap fetch so that no single request can hang the publisher. */
function withTimeout(f: typeof fetch, ms: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return f(input, { ...init, signal });
  };
}

function keyOrError(part: OutgoingPart): string | { error: string; action: string } {
  try {
    return recordKeyFor(part);
  } catch (err) {
    return {
      error: `Cannot derive a Bluesky record key for ${part.postId} part ${part.part + 1}: ${(err as Error).message}`,
      action: 'Check the post schedule (a date between 2006 and 2254) and that the thread has at most 1000 parts.',
    };
  }
}

type LocalCheck =
  | { ok: true; files: Uint8Array[]; reply?: AppBskyFeedPost.ReplyRef }
  | { ok: false; result: Extract<SendResult, { status: 'failed' }> };

/** Everything that can be checked without the network: dates, reply refs, image files and sizes. */
function checkLocally(part: OutgoingPart): LocalCheck {
  const where = `${part.postId} part ${part.part + 1}`;
  const fail = (error: string, action: string): LocalCheck => ({ ok: false, result: { status: 'failed', error, action } });
  if (Number.isNaN(part.now.getTime())) return fail(`${where}: the send time is not a valid date`, 'Report this: the publisher passed an invalid clock value.');
  if (part.media.length > MAX_IMAGES) {
    return fail(`${where} has ${part.media.length} images; Bluesky allows ${MAX_IMAGES} per post`, `Keep at most ${MAX_IMAGES} images in this part, or move the rest to another part.`);
  }
  let reply: AppBskyFeedPost.ReplyRef | undefined;
  if (part.parent) {
    const root = part.root ?? part.parent;
    if (!part.parent.uri || !part.parent.cid || !root.uri || !root.cid) {
      return fail(`${where} replies to a part without a Bluesky uri/cid`, 'Publish the earlier parts of this thread on Bluesky first.');
    }
    reply = { root: { uri: root.uri, cid: root.cid }, parent: { uri: part.parent.uri, cid: part.parent.cid } };
  }
  // The bytes were read by the publisher through the one media reader; the channel never opens files.
  const files: Uint8Array[] = [];
  for (const media of part.media) {
    const bytes = media.bytes;
    if (bytes.byteLength > MAX_IMAGE_BYTES) {
      return fail(
        `${where}: image ${media.repoPath} is ${bytes.byteLength} bytes; Bluesky accepts at most ${MAX_IMAGE_BYTES}`,
        'Make the image smaller (resize it or save it as JPEG/WebP) and publish again.',
      );
    }
    files.push(bytes);
  }
  return reply ? { ok: true, files, reply } : { ok: true, files };
}

/** Resolve a mentioned handle through the PDS (com.atproto.identity.resolveHandle). */
async function resolveHandle(agent: AtpAgent, handle: string, problem: (err: unknown, what: string) => XrpcProblem): Promise<HandleResolution> {
  try {
    const res = await agent.com.atproto.identity.resolveHandle({ handle });
    return { status: 'found', did: res.data.did };
  } catch (err) {
    const p = problem(err, `resolveHandle(${handle})`);
    // Any 4xx means "no such handle here" (HandleNotFound, InvalidRequest "Unable to resolve handle").
    return p.kind === 'not-found' || p.kind === 'rejected' ? { status: 'absent' } : { status: 'unknown', error: p.error };
  }
}

/** A problem that happened before the post record could have been written. */
function notSentFromProblem(p: XrpcProblem, consequence: string): NotSent {
  switch (p.kind) {
    case 'auth':
      // The login or session was refused: the publisher says "renew the token" once for Bluesky.
      return { status: 'failed', error: `${p.error} (${consequence})`, action: p.action, credential: true };
    case 'rate-limited':
      return p.retryAt === undefined
        ? { status: 'retry', error: `${p.error} (${consequence})` }
        : { status: 'retry', error: `${p.error} (${consequence})`, retryAt: p.retryAt };
    case 'rejected':
    case 'not-found':
      return {
        status: 'failed',
        error: `${p.error} (${consequence})`,
        action: 'Bluesky refused the post as written: change the text, language, images or thread as the error says, then publish again.',
      };
    default:
      return { status: 'retry', error: `${p.error} (${consequence})` };
  }
}

/** A failed getRecord/deleteRecord/login while taking a post down: a delete can be repeated, so only auth and refusals need a person. */
function notRemoved(p: XrpcProblem): Exclude<RemoveResult, { status: 'removed' }> {
  switch (p.kind) {
    case 'auth':
      return { status: 'failed', error: `${p.error} (nothing was deleted)`, action: p.action.replace(/then publish again\.?$/, 'then run `copydesk retract` again.') };
    case 'rate-limited':
      return p.retryAt === undefined ? { status: 'retry', error: `${p.error} (nothing was deleted)` } : { status: 'retry', error: `${p.error} (nothing was deleted)`, retryAt: p.retryAt };
    case 'rejected':
      return { status: 'failed', error: `${p.error} (nothing was deleted)`, action: 'Bluesky refused the deletion: delete the post by hand in the app, then run `copydesk retract` again to record it.' };
    default:
      return { status: 'retry', error: `${p.error} (it may not be deleted yet)` };
  }
}

function loginText(p: XrpcProblem): string {
  return p.kind === 'auth' ? `${p.error}. ${p.action}` : p.error;
}

function refFor(s: { handle: string }, rkey: string, uri: string, cid: string | undefined): SentRef {
  const url = `https://bsky.app/profile/${s.handle}/post/${rkey}`;
  return cid === undefined ? { id: rkey, uri, url } : { id: rkey, uri, cid, url };
}
