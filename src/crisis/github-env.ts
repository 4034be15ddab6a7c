/**
 * The GitHub client a crisis command needs, from the environment Actions provides:
 * `GITHUB_TOKEN`, `GITHUB_REPOSITORY` (owner/repo) and `GITHUB_API_URL` (tests point it at a fake).
 * https://docs.github.com/actions/reference/variables-reference#default-environment-variables
 */
import { createOctokit, type Octokit } from '../github/octokit.ts';

/** A ready client and the repository, or what is missing and how to set it. */
export type GitHubEnv =
  | { ok: true; /** The client (token inside, never printed). */ octokit: Octokit; /** Repository owner. */ owner: string; /** Repository name. */ repo: string }
  | { ok: false; /** What is missing and how to set it. */ error: string };

export function githubFromEnv(env: Readonly<Record<string, string | undefined>>): GitHubEnv {
  const token = env.GITHUB_TOKEN?.trim();
  const slug = env.GITHUB_REPOSITORY?.trim() ?? '';
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(slug);
  if (!token) return { ok: false, error: 'GITHUB_TOKEN is not set: in a workflow add `env: GITHUB_TOKEN: ${{ github.token }}`; locally export a token with the needed access' };
  if (!m) return { ok: false, error: `GITHUB_REPOSITORY is ${slug ? `"${slug}", not owner/repo` : 'not set'}: Actions sets it; locally export GITHUB_REPOSITORY=owner/repo` };
  return { ok: true, octokit: createOctokit({ token, ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}) }), owner: m[1]!, repo: m[2]! };
}
