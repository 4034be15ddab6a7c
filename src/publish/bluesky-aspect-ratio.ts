/**
 * Width and height of an image, read from its header, for the optional `aspectRatio` of a Bluesky
 * image embed (https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/embed/images.json).
 * Without it the Bluesky app cannot reserve the right space and shows the image cropped until it
 * has loaded. Only the header is read; unknown or damaged formats give `undefined` and the embed is
 * sent without an aspect ratio (it is optional). JPEG EXIF orientation is not applied.
 */

/** Pixel size of an image. */
export interface AspectRatio {
  /** Width in pixels (≥ 1). */
  width: number;
  /** Height in pixels (≥ 1). */
  height: number;
}

/** Read the pixel size of a PNG, GIF, JPEG or WebP image, or `undefined` if it cannot be told. */
export function aspectRatioOf(bytes: Uint8Array): AspectRatio | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = png(b) ?? gif(b) ?? jpeg(b) ?? webp(b);
  return size && size.width >= 1 && size.height >= 1 ? size : undefined;
}

/** PNG: signature, then the IHDR chunk with big-endian width and height (RFC 2083 §4.1.1). */
function png(b: Buffer): AspectRatio | undefined {
  if (b.length < 24 || b.readUInt32BE(0) !== 0x89504e47 || b.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** GIF: logical screen width and height, little-endian, right after the signature. */
function gif(b: Buffer): AspectRatio | undefined {
  if (b.length < 10 || !/^GIF8[79]a$/.test(b.toString('latin1', 0, 6))) return undefined;
  return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
}

/** JPEG: walk the marker segments up to the first start-of-frame (SOFn) and read its size. */
function jpeg(b: Buffer): AspectRatio | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): height then width, big-endian.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { width: b.readUInt16BE(i + 7), height: b.readUInt16BE(i + 5) };
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // image data or end before any frame header
    i += 2 + b.readUInt16BE(i + 2);
  }
  return undefined;
}

/** WebP: RIFF container with a VP8 (lossy), VP8L (lossless) or VP8X (extended) first chunk. */
function webp(b: Buffer): AspectRatio | undefined {
  if (b.length < 30 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP') return undefined;
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = b.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  return undefined;
}
