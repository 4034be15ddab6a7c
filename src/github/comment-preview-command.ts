/**
 * `copydesk comment-preview --dir DIR --run-head-sha SHA`
 *
 * Run by .github/workflows/preview-comment.yml (workflow_run, default-branch code): validates the
 * `copydesk-preview` artifact downloaded into DIR and creates or updates the PR's preview comment.
 * Token: `GITHUB_TOKEN` with pull-requests: write. Repository: `GITHUB_REPOSITORY`.
 * Exit codes: 0 posted, unchanged, or harmlessly stale (the PR moved on); 1 artifact refused as
 * invalid; 2 usage or GitHub error.
 */
import { parseArgs, UsageError, type Command } from '../cli/context.ts';
import { clientFromEnv } from './client-from-env.ts';
import { postPreviewFromArtifact } from './preview-artifact.ts';

const HELP = `Usage: copydesk comment-preview --dir DIR --run-head-sha SHA

Posts (or updates) the copydesk preview comment on a pull request from the check workflow's
"copydesk-preview" artifact (DIR holds pr.json and preview.md). The artifact is untrusted: its
PR number and head sha must match the workflow run and the PR's current head.
  --dir DIR            folder the artifact was downloaded into
  --run-head-sha SHA   github.event.workflow_run.head_sha
Token: GITHUB_TOKEN (pull-requests: write). Repository: GITHUB_REPOSITORY.
`;

export const commentPreviewCommand: Command = async (args, ctx) => {
  const { flags } = parseArgs(args, { strings: ['dir', 'run-head-sha', 'repo'], booleans: ['help'] });
  if (flags.help) {
    ctx.out(HELP);
    return 0;
  }
  if (typeof flags.dir !== 'string' || flags.dir === '') throw new UsageError('--dir is required (the folder holding pr.json and preview.md)');
  if (typeof flags['run-head-sha'] !== 'string' || flags['run-head-sha'] === '') throw new UsageError('--run-head-sha is required (github.event.workflow_run.head_sha)');
  const client = clientFromEnv(ctx.env, {
    tokenVars: ['GITHUB_TOKEN'],
    tokenHint: 'in the workflow: env GITHUB_TOKEN: ${{ github.token }} with pull-requests: write',
    ...(typeof flags.repo === 'string' ? { repoFlag: flags.repo } : {}),
  });
  if (!client.ok) throw new UsageError(client.error);

  const result = await postPreviewFromArtifact(client.octokit, { owner: client.owner, repo: client.repo, dir: flags.dir, runHeadSha: flags['run-head-sha'] });
  switch (result.status) {
    case 'created':
    case 'updated':
    case 'unchanged':
      ctx.out(`${result.text}\n`);
      return 0;
    case 'refused':
      if (result.kind === 'stale') {
        ctx.out(`${result.text}\n`);
        return 0;
      }
      ctx.err(`${result.text}\n`);
      return 1;
    case 'error':
      ctx.err(`${result.text}\n`);
      return 2;
  }
};
