/**
 * The post as every part of copydesk sees it: the check, the publisher and the site read this one
 * type, produced by the one parser in `parse-post.ts`. Field names in the file are the user-facing
 * contract documented in `posts/README.md`.
 */
import type { Network } from './network.ts';

/** One image (or video) attached to the post. */
export interface PostMedia {
  /** Path as written in the front-matter, relative to the post file. */
  path: string;
  /**
   * Repository-relative path (forward slashes), from `resolveMediaPath` (./media-file.ts): never
   * outside the repository or in `.git`. Read its bytes only with `readMediaFile`.
   */
  repoPath: string;
  /** Absolute path on disk. */
  absPath: string;
  /** Alt text describing the image for people who cannot see it. */
  alt: string;
  /** 0-based thread part the media belongs to (front-matter `part`, 1-based; default the first). */
  part: number;
  /** Line of this media item in the file. */
  line: number;
}

/** One part of a thread (a post without `---` separators has one part). */
export interface PostPart {
  /** 0-based index. */
  index: number;
  /** The text as it will be published: trimmed, HTML comments removed. */
  text: string;
  /** 1-based line in the file where the part's text starts. */
  line: number;
  /** Offset in the file where the part's raw section starts (for mapping positions). */
  start: number;
  /** Offset in the file where the part's raw section ends. */
  end: number;
  /**
   * Per-network text of this part (`::: mastodon` … `:::` blocks inside the part, see
   * posts/README.md "Per-network text"): a network listed here gets its variant instead of
   * `text`; every other network gets `text`. Absent when the part has no variant. Read the text
   * a network gets with `textFor` (./part-text.ts), never `text` directly.
   */
  variants?: Partial<Record<Network, PartVariant>>;
}

/** The text one network gets for one thread part, in place of the shared text. */
export interface PartVariant {
  /** The network this text is for. */
  network: Network;
  /** The text as it will be published to that network: trimmed, HTML comments removed. */
  text: string;
  /** 1-based line in the file where the variant's text starts. */
  line: number;
  /** Offset in the file where the variant's raw text starts (the line after `::: network`). */
  start: number;
  /** Offset in the file where the variant's raw text ends (the start of the closing `:::` line). */
  end: number;
  /** Offset of the opening `::: network` line. */
  blockStart: number;
  /** Offset just after the closing `:::` line (before its newline). */
  blockEnd: number;
}

/** A warning accepted in the file: `<!-- copydesk-ignore rule-id: reason -->`. */
export interface Ignore {
  /** Rule id being accepted, e.g. `sensitive-topic`. */
  ruleId: string;
  /** Why the team accepts it (required). */
  reason: string;
  /** Line of the comment. */
  line: number;
}

export interface Post {
  /** Stable identifier, unique across posts: what the ledger records (renames never re-publish). */
  id: string;
  /** Repository-relative path with forward slashes. */
  file: string;
  /** Absolute path on disk. */
  absPath: string;
  /** The whole file as read. */
  source: string;
  /** When it goes out (epoch ms). Undefined only for drafts without a time. */
  publishAt?: number;
  /** `publish_at` exactly as written. */
  publishAtRaw?: string;
  /** IANA zone used for local times in this post (its `timezone`, else the config's). */
  timezone: string;
  /** Networks to publish to, in the order written. */
  channels: Network[];
  /** After this instant (epoch ms) the post must never go out. */
  expires?: number;
  /** Attachments, with alt text. */
  media: PostMedia[];
  /** BCP 47 language (front-matter `lang`, else the config's). */
  lang: string;
  /** A draft is checked but never published. */
  draft: boolean;
  /** Free tags, e.g. `promo`; a partial freeze can hold posts by tag. */
  tags: string[];
  /** Thread parts (at least one). */
  parts: PostPart[];
  /** Accepted warnings. */
  ignores: Ignore[];
  /** Line of each front-matter field, for messages (`publish_at` → 3). */
  lines: Record<string, number>;
  /**
   * A reply to a customer (front-matter `reply_to`): a feedback conversation id
   * (`mastodon:110…`, `bluesky:at://…`) or the customer post's web address. Sent by
   * `copydesk inbox send` as a reply to that post, never by the publisher as a post.
   */
  replyTo?: string;
}

/** The front-matter fields a post may have. Anything else is reported as unknown. */
export const POST_FIELDS = ['id', 'publish_at', 'timezone', 'channels', 'expires', 'media', 'lang', 'draft', 'tags', 'reply_to'] as const;
