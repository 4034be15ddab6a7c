/**
 * The GitHub client a command needs, from the environment an entry point hands over:
 * a token (the first non-empty of `tokenVars`), `GITHUB_REPOSITORY` (owner/repo, or `--repo`) and
 * `GITHUB_API_URL` (Actions sets it; tests point it at the fake).
 * https://docs.github.com/actions/reference/variables-reference#default-environment-variables
 */
import { createRedactor, secretValues } from '../publish/redact.ts';
import { createOctokit, type Octokit } from './octokit.ts';
import { redactWrites } from './redact-writes.ts';

/** A ready client and repository, or what is missing and how to set it (never the token itself). */
export type ClientFromEnv = { ok: true; octokit: Octokit; owner: string; repo: string } | { ok: false; error: string };

const SLUG_RE = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/;

/** Builds the client from `env`; `repoFlag` (owner/repo) wins over `GITHUB_REPOSITORY`. */
export function clientFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  opts: { tokenVars: string[]; repoFlag?: string; tokenHint: string },
): ClientFromEnv {
  const tokenVar = opts.tokenVars.find((name) => (env[name] ?? '').trim() !== '');
  if (!tokenVar) return { ok: false, error: `no token: set ${opts.tokenVars.join(' or ')} (${opts.tokenHint})` };
  const slug = (opts.repoFlag ?? env.GITHUB_REPOSITORY ?? '').trim();
  const m = SLUG_RE.exec(slug);
  if (!m) {
    return { ok: false, error: `repository ${slug ? `"${slug}" is not owner/repo` : 'unknown'}: pass --repo owner/repo or set GITHUB_REPOSITORY (Actions sets it)` };
  }
  const baseUrl = env.GITHUB_API_URL?.trim();
  // Every issue and comment this client writes is redacted (the environment's secrets, session tokens by shape).
  const octokit = redactWrites(createOctokit({ token: env[tokenVar]!.trim(), ...(baseUrl ? { baseUrl } : {}) }), createRedactor(secretValues(env)));
  return { ok: true, octokit, owner: m[1]!, repo: m[2]! };
}
