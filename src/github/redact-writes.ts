/**
 * Issues and comments are a writer edge: whatever copydesk writes to GitHub through this client
 * (an issue's title and body, a comment, a pull request's title and body) passes the redactor
 * first, whichever command wrote it. Octokit's request hook sees every request before it is sent.
 * https://github.com/octokit/core.js#hooks
 */
import type { Octokit } from '@octokit/rest';

/** Write requests whose text fields people read on GitHub. */
const TEXT_WRITE = /^(POST|PATCH|PUT) \/repos\/[^/]+\/[^/]+\/(issues|pulls)(\/|$)/;
const TEXT_FIELDS = ['title', 'body'] as const;

/** Adds the redactor to every issue, comment and pull-request write made with `octokit`. Returns it. */
export function redactWrites<T extends Octokit>(octokit: T, redact: (text: string) => string): T {
  octokit.hook.before('request', (options) => {
    const o = options as Record<string, unknown> & { method?: string; url?: string };
    // `url` is still the route template here (`/repos/{owner}/{repo}/issues`) or an expanded path.
    const route = `${String(o.method ?? 'GET').toUpperCase()} ${String(o.url ?? '').replace('{owner}', 'o').replace('{repo}', 'r')}`;
    if (!TEXT_WRITE.test(route)) return;
    for (const f of TEXT_FIELDS) if (typeof o[f] === 'string') o[f] = redact(o[f] as string);
  });
  return octokit;
}
