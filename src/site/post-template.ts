/**
 * The post a "Propose a post" button prefills in GitHub's new-file editor, so someone without git
 * skills can propose a post from a phone; the pull request's check and preview do the rest. The
 * template is a valid post as is (`copydesk check` passes it): a time a week after the build, at
 * 10:00 in the team zone, on the networks this repository publishes to, and a plain sentence to
 * replace. Pure: the build's clock comes in as a parameter.
 */
import type { Config } from '../config/config.ts';
import type { Network } from '../post/network.ts';
import { addDays, localDateTime } from './calendar.ts';

export interface PostTemplate {
  /** File name inside `posts/`, e.g. `2027-03-17-new-post.md`. */
  filename: string;
  /** The file's text. */
  text: string;
}

/** Days after the build the proposed time falls on: enough for review, never in the past. */
export const TEMPLATE_LEAD_DAYS = 7;

/** Networks the repository publishes to (those with an account or settings in the config). */
export function publishedNetworks(config: Config): Network[] {
  const out: Network[] = [];
  const listed = new Set(config.credentials.map((c) => c.network));
  if (config.channels.bluesky.identifier || listed.has('bluesky')) out.push('bluesky');
  if (config.channels.mastodon.instance || listed.has('mastodon')) out.push('mastodon');
  if (config.channels.threads.userId || listed.has('threads')) out.push('threads');
  return out.length ? out : ['bluesky'];
}

export function postTemplate(config: Config, now: number): PostTemplate {
  const date = addDays(localDateTime(now, config.timezone).date, TEMPLATE_LEAD_DAYS);
  const id = `${date}-new-post`;
  const text = [
    '---',
    '# Give the post a unique id (it never changes, even if the file is renamed).',
    `id: ${id}`,
    `# When it goes out, in the team time zone (${config.timezone}).`,
    `publish_at: "${date} 10:00"`,
    '# Where it goes out.',
    `channels: [${publishedNetworks(config).join(', ')}]`,
    '---',
    'Write the post here. A line with three dashes starts the next part of a thread.',
    '',
  ].join('\n');
  return { filename: `${id}.md`, text };
}
