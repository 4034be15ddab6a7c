/**
 * The card's picture, re-encoded to fit Bluesky: `app.bsky.embed.external#external.thumb` is a
 * blob of at most 1,000,000 bytes (`maxSize` in the lexicon,
 * https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/embed/external.json); an
 * og:image over that fails the whole post when sent as is. Here every picture is decoded and
 * written again as JPEG (EXIF orientation applied, metadata dropped), at most 1200 px on its long
 * side, quality then size lowered step by step until it fits; the aspect ratio is kept.
 * Only raster formats are read (no SVG: it can reference other files), and at most 40 megapixels,
 * so a tiny file that decodes to a huge image cannot exhaust the runner. https://sharp.pixelplumbing.com/api-constructor
 */
import sharp, { type Metadata } from 'sharp';

/** Bluesky's limit for an external embed's thumb. */
export const THUMB_MAX_BYTES = 1_000_000;
/** Longest side of the first attempt: what Bluesky's app shows is far smaller. */
const FIRST_SIDE = 1200;
const QUALITIES = [82, 70, 58];
const MAX_PIXELS = 40_000_000;
const RASTER = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif', 'tiff']);

/** A re-encoded thumbnail. */
export interface Thumbnail {
  /** Always `image/jpeg`. */
  mime: 'image/jpeg';
  /** The JPEG bytes, at most `maxBytes`. */
  bytes: Uint8Array;
  width: number;
  height: number;
}

export type ThumbnailResult = { ok: true; thumb: Thumbnail } | { ok: false; reason: string };

/** Re-encode `input` as a JPEG of at most `maxBytes`; never throws. */
export async function makeThumbnail(input: Uint8Array, maxBytes = THUMB_MAX_BYTES): Promise<ThumbnailResult> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: MAX_PIXELS }).metadata();
  } catch (e) {
    return { ok: false, reason: `the picture cannot be read as an image (${(e as Error).message})` };
  }
  if (!meta.format || !RASTER.has(meta.format)) return { ok: false, reason: `the picture is ${meta.format ?? 'of an unknown format'}; copydesk re-encodes JPEG, PNG, WebP, GIF, AVIF and TIFF only` };
  if (!meta.width || !meta.height) return { ok: false, reason: 'the picture has no size' };
  if (meta.width * meta.height > MAX_PIXELS) return { ok: false, reason: `the picture is ${meta.width}×${meta.height} pixels; copydesk reads at most ${MAX_PIXELS / 1e6} megapixels` };
  let side = FIRST_SIDE;
  try {
    for (let round = 0; round < 8; round++, side = Math.round(side * 0.7)) {
      for (const quality of QUALITIES) {
        const { data, info } = await sharp(input, { limitInputPixels: MAX_PIXELS })
          .rotate()
          .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
          .flatten({ background: '#ffffff' })
          .jpeg({ quality, mozjpeg: true })
          .toBuffer({ resolveWithObject: true });
        if (data.byteLength <= maxBytes) return { ok: true, thumb: { mime: 'image/jpeg', bytes: new Uint8Array(data), width: info.width, height: info.height } };
      }
    }
  } catch (e) {
    return { ok: false, reason: `the picture could not be re-encoded (${(e as Error).message})` };
  }
  return { ok: false, reason: `the picture does not fit in ${maxBytes} bytes even when made small` };
}
