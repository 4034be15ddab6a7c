/**
 * The GitHub client a crisis command needs: the Actions token (`GITHUB_TOKEN`) and repository,
 * through the one place that builds clients from the environment (src/github/client-from-env.ts).
 */
import { clientFromEnv, type ClientFromEnv } from './client-from-env.ts';

export type GitHubEnv = ClientFromEnv;

export function githubFromEnv(env: Readonly<Record<string, string | undefined>>): GitHubEnv {
  return clientFromEnv(env, { tokenVars: ['GITHUB_TOKEN'], tokenHint: 'in a workflow add `env: GITHUB_TOKEN: ${{ github.token }}`; locally export a token with the needed access' });
}
