/**
 * Rich-text facets (links, mentions, hashtags) for a Bluesky post. Bluesky does not parse text on
 * the server: a link, `@handle` or `#tag` is only clickable when the record carries a facet whose
 * `index` gives its UTF-8 byte range (https://docs.bsky.app/docs/advanced-guides/post-richtext).
 * Detection and the UTF-16 → UTF-8 offset arithmetic come from `RichText` in `@atproto/api`; what we
 * add is the mention resolution policy: a handle that does not exist stays plain text (a facet with
 * an empty DID would make the whole record invalid), while a network failure during resolution is
 * reported, so a post is never published with a mention silently dropped because the PDS hiccupped.
 */
import { AppBskyRichtextFacet, RichText } from '@atproto/api';
import type { Facet } from '@atproto/api';

/** How one handle resolved. */
export type HandleResolution =
  /** The handle belongs to this account. */
  | { status: 'found'; did: string }
  /** The network says no such handle: the mention stays plain text. */
  | { status: 'absent' }
  /** The network could not be asked: do not publish now. */
  | { status: 'unknown'; error: string };

/** Resolves a handle (without the `@`) to a DID. */
export type ResolveHandle = (handle: string) => Promise<HandleResolution>;

/** The facets of a text, or why they could not be computed. */
export type FacetsResult =
  | {
      ok: true;
      /** Facets sorted by byte offset; empty when the text has no link, mention or tag. */
      facets: Facet[];
    }
  | {
      ok: false;
      /** Which handle could not be resolved and why. */
      error: string;
    };

/** Detect links, hashtags and mentions in `text` and resolve each mentioned handle once. */
export async function buildFacets(text: string, resolve: ResolveHandle): Promise<FacetsResult> {
  const rt = new RichText({ text });
  rt.detectFacetsWithoutResolution();
  const detected = rt.facets ?? [];

  // Before resolution a mention feature's `did` holds the handle (see RichText.detectFacets).
  const handles = new Set<string>();
  for (const facet of detected) {
    for (const feature of facet.features) {
      if (AppBskyRichtextFacet.isMention(feature)) handles.add(feature.did);
    }
  }
  const dids = new Map<string, string>();
  for (const handle of handles) {
    const resolution = await resolve(handle);
    if (resolution.status === 'unknown') {
      return { ok: false, error: `could not resolve the mention @${handle}: ${resolution.error}` };
    }
    if (resolution.status === 'found') dids.set(handle, resolution.did);
  }

  const facets: Facet[] = [];
  for (const facet of detected) {
    const features: Facet['features'] = [];
    for (const feature of facet.features) {
      if (!AppBskyRichtextFacet.isMention(feature)) {
        features.push(feature);
        continue;
      }
      const did = dids.get(feature.did);
      if (did !== undefined) features.push({ ...feature, did });
    }
    if (features.length > 0) facets.push({ ...facet, features });
  }
  return { ok: true, facets };
}
