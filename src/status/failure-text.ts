/**
 * A failed (or unknown) send, told for the person holding the phone: which network, what happened
 * in plain words, what to do, and links to the fix (the credentials register for a refused login,
 * the publisher run that retries, the post file to edit). The publisher's own words are kept as a
 * technical detail, with machine paths removed and every code explained, so no one reads
 * `ECONNRESET` or `/home/runner/work/…` and has to guess.
 *
 * Pure: the site (status and post pages) passes the links it knows; nothing here reads the clock.
 */
import type { Network } from '../post/network.ts';

/** What went wrong, as the publisher recorded it (an open failure of `copydesk status`). */
export interface FailureFacts {
  network: Network;
  /** `failed`: the network refused or could not be reached; `unknown`: the outcome of a send is not known. */
  state: 'failed' | 'unknown';
  /** 0-based thread part. */
  part: number;
  /** Number of parts in the thread, when known ("part 2 of 3"). */
  parts?: number;
  /** The publisher's error text. */
  error?: string;
  /** The publisher's advice, written for people. */
  action?: string;
}

/** Where the fixes live; each is optional (a site without a known repository has no workflow link). */
export interface FailureLinks {
  /** The credentials register page. */
  credentials?: string;
  /** The publisher workflow's page (Run workflow retries). */
  publishWorkflow?: string;
  /** The post file in the repository's web view (or its page on the site). */
  postFile?: string;
  /** The post's path in the repository, e.g. `posts/2027/03-hours.md`. */
  filePath?: string;
}

/** The kinds of failure people act on differently. */
export type FailureKind = 'login' | 'rate-limit' | 'unreachable' | 'media' | 'content' | 'unknown-outcome' | 'other';

export interface FailureText {
  kind: FailureKind;
  /** "Mastodon, part 2 of 2". */
  where: string;
  /** What happened, one sentence without jargon. */
  what: string;
  /** What to do, one or two sentences. */
  todo: string;
  /** Links to the fix, most useful first. */
  fixes: { label: string; href: string }[];
  /** The command that retries from a laptop. */
  command: string;
  /** The publisher's own error text, paths removed and codes explained; absent when there was none. */
  detail?: string;
}

const NAMES: Record<Network, string> = { bluesky: 'Bluesky', mastodon: 'Mastodon', threads: 'Threads', x: 'X', linkedin: 'LinkedIn' };
const SECRETS: Partial<Record<Network, string>> = { bluesky: 'the Bluesky app password (secret BLUESKY_APP_PASSWORD)', mastodon: 'the Mastodon access token (secret MASTODON_TOKEN)', threads: 'the Threads access token (secret THREADS_ACCESS_TOKEN)' };

/** HTTP statuses in words (RFC 9110 §15 and 429 of RFC 6585). */
const HTTP: Record<number, string> = {
  400: 'the network said the request was malformed',
  401: 'the network did not accept our login',
  403: 'the network says this account may not do that',
  404: 'the network could not find it',
  408: 'the network timed out',
  409: 'the network reported a conflict',
  413: 'too large for the network',
  415: 'a file type the network does not take',
  422: 'the network refused the content',
  429: 'too many requests: the network asks us to slow down',
  500: 'the network had an internal error',
  502: 'the network\'s gateway failed',
  503: 'the network is unavailable for now',
  504: 'the network timed out',
};

/** Node and DNS error codes (https://nodejs.org/api/errors.html#common-system-errors) in words. */
const SYSTEM: Record<string, string> = {
  ECONNRESET: 'the connection was cut',
  ECONNREFUSED: 'the server refused the connection',
  ETIMEDOUT: 'the connection timed out',
  ENOTFOUND: 'the server name could not be found',
  EAI_AGAIN: 'the server name could not be looked up for now',
  EPIPE: 'the connection closed while sending',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection was cut',
};

/**
 * Absolute paths of the build or publish machine (`/home/runner/work/…`, `/tmp/…`, `C:\…`, `file:///…`)
 * become their last segment: a person needs the file's name, not where a runner kept it.
 */
export function withoutMachinePaths(text: string, roots: readonly string[] = []): string {
  let out = text;
  for (const root of roots.filter((r) => r.length > 1)) out = out.split(root.replace(/\/$/, '') + '/').join('').split(root).join('');
  return out
    .replace(/file:\/\/\/?[^\s"'`)]+/g, (p) => p.split('/').pop() || 'a file')
    .replace(/(^|[\s("'`=:])((?:\/[\w.@+-]+){2,}\/?)/g, (_m, lead: string, p: string) => `${lead}${p.replace(/\/$/, '').split('/').pop()}`)
    .replace(/(^|[\s("'`=])[A-Za-z]:\\[^\s"'`)]+/g, (p, lead: string) => `${lead}${p.split('\\').pop()}`);
}

/** Every HTTP status and system error code in the text, followed by what it means. */
export function explainCodes(text: string): string {
  return text
    .replace(/\b(HTTP|status|code)\s*:?\s*([1-5]\d\d)\b(?!\s*\()/gi, (m, _w, code: string) => (HTTP[Number(code)] ? `${m} (${HTTP[Number(code)]})` : m))
    .replace(/\b(E[A-Z_]{3,}|UND_ERR_[A-Z_]+)\b(?!\s*\()/g, (m) => (SYSTEM[m] ? `${m} (${SYSTEM[m]})` : m));
}

function kindOf(f: FailureFacts): FailureKind {
  if (f.state === 'unknown') return 'unknown-outcome';
  const e = `${f.error ?? ''}`.toLowerCase();
  const code = /\b(?:http|status|code)\s*:?\s*([1-5]\d\d)\b/.exec(e)?.[1];
  if (code === '401' || code === '403' || /unauthori[sz]ed|invalid (access )?token|authentication|invalid identifier or password|expiredtoken|bad token|app password/.test(e)) return 'login';
  if (code === '429' || /rate.?limit|too many requests|ratelimit/.test(e)) return 'rate-limit';
  if ((code && code.startsWith('5')) || code === '408' || /econnreset|econnrefused|etimedout|enotfound|eai_again|und_err|fetch failed|network error|timed? ?out|unavailable|socket/.test(e)) return 'unreachable';
  if (code === '413' || code === '415' || /\bmedia\b|image|blob|upload|alt text|file too large|too big/.test(e)) return 'media';
  if (code === '400' || code === '422' || /too long|character limit|validation|invalid record|grapheme|refused the post/.test(e)) return 'content';
  return 'other';
}

/** The people text of one failure. */
export function failureText(f: FailureFacts, links: FailureLinks = {}, opts: { roots?: readonly string[] } = {}): FailureText {
  const name = NAMES[f.network] ?? f.network;
  const kind = kindOf(f);
  const file = links.filePath ?? 'the post file';
  const retry = links.publishWorkflow ? 'run the publisher again (Run workflow on its page)' : 'run the publisher again (`copydesk publish`)';
  const secret = SECRETS[f.network] ?? `the ${name} credential`;
  const texts: Record<FailureKind, { what: string; todo: string }> = {
    login: { what: `${name} did not accept our login, so nothing was posted there.`, todo: `Rotate ${secret}: the credentials register says who holds it and how. Then ${retry}.` },
    'rate-limit': { what: `${name} asked us to slow down (too many posts or requests in a short time).`, todo: `Nothing to do now: the publisher tries again after the wait ${name} asked for. If it still fails in an hour, ${retry}.` },
    unreachable: { what: `${name} could not be reached or had a problem of its own; the post did not go out there.`, todo: `This usually passes by itself: check ${name}'s status page, then ${retry}.` },
    media: { what: `${name} refused an image of this post.`, todo: `Fix the image in ${file} (size, type, alt text) in a pull request; once merged, ${retry}.` },
    content: { what: `${name} refused the post as written.`, todo: `Change the text in ${file} as the detail below says, in a pull request; once merged, ${retry}.` },
    'unknown-outcome': { what: `We do not know whether this reached ${name}: the publisher stopped while sending.`, todo: `Look at the account on ${name}. The publisher checks before any resend, so it never posts twice; ${retry} to let it check.` },
    other: { what: `${name} did not take the post.`, todo: `Read the detail below; fix ${file} if it names the post, then ${retry}.` },
  };
  const fixes: { label: string; href: string }[] = [];
  if (kind === 'login' && links.credentials) fixes.push({ label: 'Credentials register', href: links.credentials });
  if (links.publishWorkflow) fixes.push({ label: 'Run the publisher', href: links.publishWorkflow });
  if (links.postFile) fixes.push({ label: `Open ${links.filePath ?? 'the post file'}`, href: links.postFile });
  if (kind !== 'login' && links.credentials && /credential|token|password/i.test(f.action ?? '')) fixes.push({ label: 'Credentials register', href: links.credentials });
  const clean = (t: string) => explainCodes(withoutMachinePaths(t, opts.roots));
  const where = `${name}, part ${f.part + 1}${f.parts ? ` of ${f.parts}` : ''}`;
  return {
    kind,
    where,
    what: texts[kind].what,
    todo: f.action ? clean(f.action) : texts[kind].todo,
    fixes,
    command: 'copydesk publish',
    ...(f.error ? { detail: clean(f.error) } : {}),
  };
}
