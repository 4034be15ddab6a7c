/**
 * A Bluesky link card: `app.bsky.embed.external` {uri, title, description, thumb}, where thumb is
 * a blob uploaded first (at most 1,000,000 bytes, `maxSize` in
 * https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/embed/external.json;
 * https://docs.bsky.app/docs/advanced-guides/posts#website-card-embeds). A card never fails a
 * post: when the picture cannot be uploaded, the card goes without it and the note says so.
 */
import type { AppBskyEmbedExternal, AtpAgent } from '@atproto/api';
import type { OutgoingCard } from './channel.ts';

/** Bluesky's limit for the thumb blob. */
export const CARD_THUMB_MAX_BYTES = 1_000_000;

/** The embed to put on the record, and a note when the picture was left out. */
export async function externalEmbed(agent: Pick<AtpAgent, 'uploadBlob'>, card: OutgoingCard): Promise<{ embed: AppBskyEmbedExternal.Main & { $type: 'app.bsky.embed.external' }; note?: string }> {
  const external: AppBskyEmbedExternal.External = { uri: card.uri, title: card.title, description: card.description };
  let note: string | undefined;
  if (card.thumb && card.thumb.bytes.byteLength > CARD_THUMB_MAX_BYTES) {
    note = `the link card went without its picture (${card.thumb.bytes.byteLength} bytes; Bluesky accepts at most ${CARD_THUMB_MAX_BYTES})`;
  } else if (card.thumb) {
    try {
      const res = await agent.uploadBlob(card.thumb.bytes, { encoding: card.thumb.mime });
      external.thumb = res.data.blob;
    } catch (e) {
      note = `the link card went without its picture: uploading it failed (${(e as Error).message.slice(0, 200)})`;
    }
  }
  return { embed: { $type: 'app.bsky.embed.external', external }, ...(note ? { note } : {}) };
}
