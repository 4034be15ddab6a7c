/**
 * `copydesk setup github [--dry-run | --check] [--repo owner/repo] [--status-check NAME]`
 *
 * Applies (default), previews or checks the repository rules copydesk relies on; see setup.ts.
 * Needs a token with admin access to the repository: `COPYDESK_ADMIN_TOKEN` (preferred, as the
 * weekly drift workflow passes it) or `GITHUB_TOKEN`.
 * Exit codes: 0 in sync / applied, 1 drift (check) or drift left after apply, 2 usage or GitHub error.
 */
import { parseArgs, UsageError, type Command } from '../cli/context.ts';
import { loadConfig } from '../config/load-config.ts';
import { clientFromEnv } from './client-from-env.ts';
import { runSetup, type SetupMode } from './setup.ts';

const HELP = `Usage: copydesk setup github [--dry-run | --check] [--repo owner/repo] [--status-check NAME]

Applies the GitHub rules copydesk relies on: a "copydesk" ruleset on the default branch
(pull request with 1 approval, code-owner review, stale approvals dismissed, last push approved by
someone else, required check, no bypass), a "copydesk-state" ruleset on the state branch (no force
push, no deletion), Actions may not approve pull requests, a "publish" environment deployable from
the default branch only, and copydesk's labels. Checks that CODEOWNERS gives an owner to the
config, src/, scripts/, .github/, .ci/ and every package.json and lockfile (never edits it).
  --dry-run            show what would change; write nothing
  --check              exit 1 naming each setting that drifted; write nothing
  --repo owner/repo    repository (default: GITHUB_REPOSITORY)
  --status-check NAME  required check name (default: check)
Token: COPYDESK_ADMIN_TOKEN or GITHUB_TOKEN, with admin access to the repository.
`;

export const setupCommand: Command = async (args, ctx) => {
  const { flags, positionals } = parseArgs(args, { strings: ['repo', 'status-check'], booleans: ['dry-run', 'check', 'help'] });
  if (flags.help) {
    ctx.out(HELP);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'github') throw new UsageError('expected `setup github` (the only target so far); see `copydesk setup --help`');
  if (flags['dry-run'] && flags.check) throw new UsageError('choose one of --dry-run and --check');
  const mode: SetupMode = flags.check ? 'check' : flags['dry-run'] ? 'dry-run' : 'apply';

  const client = clientFromEnv(ctx.env, {
    tokenVars: ['COPYDESK_ADMIN_TOKEN', 'GITHUB_TOKEN'],
    tokenHint: 'a fine-grained token with Administration: read (write to apply), Contents: read (for CODEOWNERS), Environments and Actions access on this repository',
    ...(typeof flags.repo === 'string' ? { repoFlag: flags.repo } : {}),
  });
  if (!client.ok) throw new UsageError(client.error);

  // The state branch to protect is the one the publisher writes (`publish.state_branch`).
  const loaded = await loadConfig(ctx.root);
  if (!loaded.ok) ctx.err(`warning: copydesk.config.yaml could not be read; protecting the default state branch copydesk-state\n`);

  const result = await runSetup(client.octokit, {
    owner: client.owner,
    repo: client.repo,
    mode,
    ...(loaded.ok ? { stateBranch: loaded.config.stateBranch } : {}),
    ...(typeof flags['status-check'] === 'string' ? { statusCheck: flags['status-check'] } : {}),
  });
  (result.exitCode === 2 ? ctx.err : ctx.out)(`${result.text}\n`);
  return result.exitCode;
};
