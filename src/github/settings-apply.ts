/**
 * Writes the wanted settings, touching only the areas that differ, so a second apply makes no
 * write at all.
 *
 * - POST /repos/{o}/{r}/rulesets or PUT /repos/{o}/{r}/rulesets/{id} (whole ruleset)
 *   https://docs.github.com/rest/repos/rules#update-a-repository-ruleset
 * - PUT /repos/{o}/{r}/actions/permissions/workflow (204)
 * - PUT /repos/{o}/{r}/environments/publish; the branch policies need `custom_branch_policies: true`
 *   first, then POST/DELETE …/deployment-branch-policies
 *   https://docs.github.com/rest/deployments/branch-policies#create-a-deployment-branch-policy
 * - POST /repos/{o}/{r}/labels, PATCH /repos/{o}/{r}/labels/{name}
 */
import type { Octokit } from '@octokit/rest';
import { adviceFor, describeApiError, formatApiFailure } from './api-error.ts';
import { diffSettings } from './settings-diff.ts';
import type { RepoRef } from './settings-read.ts';
import { PUBLISH_ENVIRONMENT, rulesetBody, type RepoSettings } from './settings.ts';

/** Result of {@link applySettings}. */
export type ApplyResult =
  | { ok: true; /** One line per write made, in order (empty when already in sync). */ writes: string[] }
  | {
      ok: false;
      /** The write that failed. */
      error: string;
      /** What to do. */
      action: string;
      /** Writes that succeeded before the failure. */
      writes: string[];
    };

/** Writes what differs between `current` and `wanted`. Never throws. */
export async function applySettings(octokit: Octokit, ref: RepoRef, current: RepoSettings, wanted: RepoSettings): Promise<ApplyResult> {
  const { owner, repo } = ref;
  const areas = new Set(diffSettings(current, wanted).map((d) => d.area));
  const writes: string[] = [];
  let step = '';
  try {
    // The default branch's ruleset, then the state branch's (same API, different name and rules).
    for (const [area, want, have] of [
      ['ruleset', wanted.ruleset, current.ruleset],
      ['state-ruleset', wanted.stateRuleset, current.stateRuleset],
    ] as const) {
      if (!areas.has(area) || !want) continue;
      const body = rulesetBody(want);
      if (have?.id != null) {
        step = `Updating ruleset ${want.name}`;
        await octokit.request('PUT /repos/{owner}/{repo}/rulesets/{ruleset_id}', { owner, repo, ruleset_id: have.id, ...body } as never);
        writes.push(`updated ruleset "${want.name}"`);
      } else {
        step = `Creating ruleset ${want.name}`;
        await octokit.request('POST /repos/{owner}/{repo}/rulesets', { owner, repo, ...body } as never);
        writes.push(`created ruleset "${want.name}"`);
      }
    }

    if (areas.has('workflow-permissions')) {
      step = 'Setting Actions workflow permissions';
      await octokit.request('PUT /repos/{owner}/{repo}/actions/permissions/workflow', {
        owner,
        repo,
        default_workflow_permissions: wanted.workflowPermissions.default_workflow_permissions as 'read' | 'write',
        can_approve_pull_request_reviews: wanted.workflowPermissions.can_approve_pull_request_reviews,
      });
      writes.push(
        `set Actions default_workflow_permissions=${wanted.workflowPermissions.default_workflow_permissions}, can_approve_pull_request_reviews=${wanted.workflowPermissions.can_approve_pull_request_reviews}`,
      );
    }

    const env = wanted.environment;
    if (env && (areas.has('environment') || areas.has('branch-policies'))) {
      const needsPut = current.environment === null || areas.has('environment');
      if (needsPut) {
        step = `Configuring environment ${PUBLISH_ENVIRONMENT}`;
        // Send back the protection settings copydesk does not manage, so they are not reset.
        const keep = current.environment?.preserve ?? {};
        await octokit.request('PUT /repos/{owner}/{repo}/environments/{environment_name}', {
          owner,
          repo,
          environment_name: PUBLISH_ENVIRONMENT,
          deployment_branch_policy: env.deploymentBranchPolicy,
          ...(keep.wait_timer !== undefined ? { wait_timer: keep.wait_timer } : {}),
          ...(keep.prevent_self_review !== undefined ? { prevent_self_review: keep.prevent_self_review } : {}),
          ...(keep.reviewers !== undefined ? { reviewers: keep.reviewers as { type: 'User' | 'Team'; id: number }[] } : {}),
        });
        writes.push(`${current.environment ? 'updated' : 'created'} environment "${PUBLISH_ENVIRONMENT}" (deployable from listed branches only)`);
      }
      // Policies only exist while custom_branch_policies was already on; switching it on starts from none.
      const existing = current.environment?.deploymentBranchPolicy?.custom_branch_policies ? current.environment.branchPolicies : [];
      for (const p of existing) {
        if (!env.branchPolicies.some((w) => w.name === p.name && w.type === p.type) && p.id !== null) {
          step = `Removing branch policy ${p.name} from ${PUBLISH_ENVIRONMENT}`;
          await octokit.request('DELETE /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies/{branch_policy_id}', {
            owner,
            repo,
            environment_name: PUBLISH_ENVIRONMENT,
            branch_policy_id: p.id,
          });
          writes.push(`removed branch policy "${p.name}" from environment "${PUBLISH_ENVIRONMENT}"`);
        }
      }
      for (const p of env.branchPolicies) {
        if (!existing.some((c) => c.name === p.name && c.type === p.type)) {
          step = `Adding branch policy ${p.name} to ${PUBLISH_ENVIRONMENT}`;
          await octokit.request('POST /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies', {
            owner,
            repo,
            environment_name: PUBLISH_ENVIRONMENT,
            name: p.name,
            type: p.type as 'branch' | 'tag',
          });
          writes.push(`allowed ${p.type} "${p.name}" to deploy to environment "${PUBLISH_ENVIRONMENT}"`);
        }
      }
    }

    if (areas.has('labels')) {
      for (const want of wanted.labels) {
        const have = current.labels.find((l) => l.name.toLowerCase() === want.name.toLowerCase());
        if (!have) {
          step = `Creating label ${want.name}`;
          await octokit.request('POST /repos/{owner}/{repo}/labels', { owner, repo, name: want.name, color: want.color, description: want.description });
          writes.push(`created label "${want.name}"`);
        } else if (have.color.toLowerCase() !== want.color.toLowerCase() || have.description !== want.description) {
          step = `Updating label ${want.name}`;
          await octokit.request('PATCH /repos/{owner}/{repo}/labels/{name}', { owner, repo, name: have.name, color: want.color, description: want.description });
          writes.push(`updated label "${want.name}"`);
        }
      }
    }
  } catch (err) {
    const failure = describeApiError(err);
    const admin = failure.status === 403 || failure.status === 404 ? ' Changing these settings needs a token with admin access to the repository.' : '';
    return { ok: false, error: formatApiFailure(step, failure), action: adviceFor(failure) + admin, writes };
  }
  return { ok: true, writes };
}
