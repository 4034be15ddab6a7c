/**
 * The text each network gets for a thread part: its `::: network` variant when the part has one,
 * else the shared text (posts/README.md, "Per-network text"). The check, the preview, the site
 * and the publisher all ask here, so they never disagree about what goes out.
 */
import type { Network } from './network.ts';
import type { Post, PostPart } from './post.ts';

/** The text `network` gets for `part`. */
export function textFor(part: PostPart, network: Network): string {
  return part.variants?.[network]?.text ?? part.text;
}

/** 1-based line where the text `network` gets for `part` starts. */
export function lineFor(part: PostPart, network: Network): number {
  return part.variants?.[network]?.line ?? part.line;
}

/** Whether `network` gets a text of its own for `part`. */
export function hasVariant(part: PostPart, network: Network): boolean {
  return part.variants?.[network] !== undefined;
}

/** Whether any part of `post` has a per-network text. */
export function hasVariants(post: Pick<Post, 'parts'>): boolean {
  return post.parts.some((p) => p.variants !== undefined);
}

/** Every text some network may get for `part` (the shared text first, then each variant), non-empty. */
export function partTexts(part: PostPart): string[] {
  return [part.text, ...Object.values(part.variants ?? {}).map((v) => v.text)].filter((t) => t !== '');
}

/** The distinct texts of `part` for `channels`, in their order, each with the networks that get it (one entry when all get the same). */
export function distinctTexts(part: PostPart, channels: readonly Network[]): { text: string; networks: Network[] }[] {
  const byText = new Map<string, Network[]>();
  for (const n of channels) {
    const t = textFor(part, n);
    byText.set(t, [...(byText.get(t) ?? []), n]);
  }
  return [...byText].map(([text, networks]) => ({ text, networks }));
}

/**
 * The networks that get the text at file offset `offset`: the variant's network inside a
 * `::: network` block, else the post's networks without a variant for that part. Undefined
 * outside the body's parts.
 */
export function networksAt(post: Pick<Post, 'parts' | 'channels'>, offset: number): Network[] | undefined {
  const part = post.parts.find((p) => offset >= p.start && offset < p.end);
  if (!part) return undefined;
  for (const v of Object.values(part.variants ?? {})) if (offset >= v.blockStart && offset < v.blockEnd) return [v.network];
  return post.channels.filter((n) => !hasVariant(part, n));
}
