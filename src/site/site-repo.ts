/** The repository links of this build: GITHUB_REPOSITORY (entry point) first, else `repository:` in the config. */
import type { Config } from '../config/config.ts';
import { repoLinks, repoWebUrl, type RepoLinks } from './repo-links.ts';
import { siteParams } from './site-params.ts';

export function siteRepo(config: Config): RepoLinks | undefined {
  const url = repoWebUrl(siteParams().repoUrl, config.repository);
  return url ? repoLinks(url) : undefined;
}
