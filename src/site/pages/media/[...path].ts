/**
 * /media/<repository path>: the images posts attach, copied into the built site so previews show
 * them. Only files a post references, as read by the media reader in load-site-data.ts (no
 * symlinks, nothing outside the repository or in .git, size-limited); this route never reads a
 * file itself.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { getSiteData } from '../../get-site-data.ts';
import type { MediaFile } from '../../load-site-data.ts';

export const getStaticPaths = (async () => {
  const { media } = await getSiteData();
  return media.map((file) => ({ params: { path: file.repoPath }, props: { file } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute<{ file: MediaFile }> = ({ props }) => new Response(props.file.bytes.slice(), { headers: { 'Content-Type': props.file.mime } });
