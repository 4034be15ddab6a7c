/** Small helpers the site's pages share: links under the base path and words for statuses. */
import type { Network } from '../post/network.ts';
import type { PostStatus } from './data.ts';

/** A site path under the configured base (`/status/` → `/repo/status/` on a project Pages site). */
export function href(path: string): string {
  const base = import.meta.env.BASE_URL.replace(/\/$/, '');
  return `${base}${path.startsWith('/') ? path : `/${path}`}`;
}

/** Path of a post's page. */
export const postPath = (id: string) => href(`/posts/${id}/`);
/** Path of a month of the calendar (`2027-03`). */
export const monthPath = (month: string) => href(`/calendar/${month}/`);
/** Path of an ISO week of the calendar (`2027-W11`). */
export const weekPath = (week: string) => href(`/calendar/week/${week}/`);
/** Path of a media file by its repository path. */
export const mediaPath = (repoPath: string) => href(`/media/${repoPath.split('/').map(encodeURIComponent).join('/')}`);

/** Status words for people, and what each means. */
export const STATUS_TEXT: Record<PostStatus, { label: string; meaning: string }> = {
  queued: { label: 'Queued', meaning: 'will be published at its time' },
  held: { label: 'Held', meaning: 'will not go out while the hold lasts' },
  sent: { label: 'Sent', meaning: 'published' },
  failed: { label: 'Failed', meaning: 'a send failed and a person must act' },
  unknown: { label: 'Outcome unknown', meaning: 'a send may have reached the network; the publisher checks before any resend' },
  missed: { label: 'Missed', meaning: 'too late; never sent late' },
  expired: { label: 'Expired', meaning: 'past its expiry; never sent' },
  retracted: { label: 'Retracted', meaning: 'taken back with `copydesk retract`; never sent again' },
  draft: { label: 'Draft', meaning: 'never published until `draft` is removed' },
  manual: { label: 'By hand', meaning: 'length checked only; post it by hand' },
};

export const NETWORK_NAMES: Record<Network, string> = { bluesky: 'Bluesky', mastodon: 'Mastodon', threads: 'Threads', x: 'X', linkedin: 'LinkedIn' };
