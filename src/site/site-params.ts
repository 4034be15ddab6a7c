/**
 * What the site build is about: which repository, at which instant. Only the entry point
 * (astro.config.mjs) reads the clock and the environment; it hands these values to the build
 * through Vite's `define` as the constant `__COPYDESK_SITE__`, so every page of one build sees the
 * same `now` and the same repository.
 */

export interface SiteParams {
  /** Absolute path of the repository whose posts, config, playbook and state the site shows. */
  root: string;
  /** The build's clock (epoch ms), read once by astro.config.mjs (`COPYDESK_NOW` overrides it). */
  now: number;
  /**
   * The environment variables the state store needs (`COPYDESK_STATE`, `GITHUB_ACTIONS`, and
   * `PATH`/`HOME` to run git), copied one by one: secrets never enter the bundle.
   */
  env: Record<string, string>;
  /** `https://github.com/owner/repo` when known (links to freeze issues and publisher runs). */
  repoUrl?: string;
}

declare const __COPYDESK_SITE__: SiteParams | undefined;

/** The parameters of this build (defined by astro.config.mjs). */
export function siteParams(): SiteParams {
  if (typeof __COPYDESK_SITE__ === 'undefined') {
    throw new Error('__COPYDESK_SITE__ is not defined: build the site with the repository astro.config.mjs (npm run build).');
  }
  return __COPYDESK_SITE__;
}

/** Names of the environment variables copied into `SiteParams.env`. */
export const STATE_ENV_KEYS = ['COPYDESK_STATE', 'GITHUB_ACTIONS', 'PATH', 'HOME'] as const;
