/**
 * /media/<repository path>: the images posts attach, copied into the built site so previews show
 * them. Only files a post references and that exist; never anything else from the repository.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { readFile } from 'node:fs/promises';
import { getSiteData } from '../../get-site-data.ts';
import type { MediaFile } from '../../load-site-data.ts';

export const getStaticPaths = (async () => {
  const { media } = await getSiteData();
  return media.map((file) => ({ params: { path: file.repoPath }, props: { file } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute<{ file: MediaFile }> = async ({ props }) => {
  const bytes = await readFile(props.file.absPath);
  return new Response(bytes, { headers: { 'Content-Type': props.file.mime } });
};
