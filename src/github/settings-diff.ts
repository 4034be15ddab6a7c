/**
 * Names every difference between the settings GitHub reports and the ones copydesk wants, one
 * entry per field, so `setup github --check` can say exactly what drifted (e.g. someone set the
 * required approvals to 0) and `--dry-run` can show what an apply would change.
 */
import type { BranchPolicy, BypassActor, RepoSettings, RulesetState, StatusCheck } from './settings.ts';
import { PUBLISH_ENVIRONMENT } from './settings.ts';

/**
 * Which write fixes a difference. `codeowners` is fixed by a reviewed pull request to the file,
 * never by setup itself.
 */
export type SettingArea = 'ruleset' | 'state-ruleset' | 'workflow-permissions' | 'environment' | 'branch-policies' | 'labels' | 'codeowners';

/** Areas `setup github` cannot write: a person changes them through a pull request. */
export const MANUAL_AREAS: ReadonlySet<SettingArea> = new Set(['codeowners']);

/** One named difference between current and wanted settings. */
export interface SettingDifference {
  /** Stable dotted name, e.g. `ruleset.pull_request.required_approving_review_count`. */
  name: string;
  /** The current value, printable (`missing` when absent). */
  current: string;
  /** The wanted value, printable. */
  wanted: string;
  /** Which write fixes it. */
  area: SettingArea;
}

/** Lists every difference from `current` to `wanted` (empty when in sync). Pure. */
export function diffSettings(current: RepoSettings, wanted: RepoSettings): SettingDifference[] {
  const out: SettingDifference[] = [];
  diffRuleset(current.ruleset, wanted.ruleset, out, 'ruleset');
  diffRuleset(current.stateRuleset, wanted.stateRuleset, out, 'state-ruleset');
  diffCodeowners(current, wanted, out);

  const cp = current.workflowPermissions;
  const wp = wanted.workflowPermissions;
  push(out, 'workflow-permissions', 'actions.can_approve_pull_request_reviews', cp.can_approve_pull_request_reviews, wp.can_approve_pull_request_reviews);
  push(out, 'workflow-permissions', 'actions.default_workflow_permissions', cp.default_workflow_permissions, wp.default_workflow_permissions);

  diffEnvironment(current, wanted, out);

  for (const want of wanted.labels) {
    const have = current.labels.find((l) => l.name.toLowerCase() === want.name.toLowerCase());
    if (!have) {
      out.push({ area: 'labels', name: `label.${want.name}`, current: 'missing', wanted: `#${want.color} "${want.description}"` });
      continue;
    }
    push(out, 'labels', `label.${want.name}.color`, have.color.toLowerCase(), want.color.toLowerCase());
    push(out, 'labels', `label.${want.name}.description`, have.description, want.description);
  }
  return out;
}

function diffCodeowners(current: RepoSettings, wanted: RepoSettings, out: SettingDifference[]): void {
  const want = wanted.codeowners;
  const cur = current.codeowners;
  if (!want || !cur) return;
  const fix = `add a line with an owner to ${cur.file ?? want.file} in a pull request`;
  if (cur.file === null) {
    out.push({ area: 'codeowners', name: 'codeowners', current: 'missing', wanted: `${want.file} giving an owner to ${want.owned.join(', ')}` });
    return;
  }
  if (cur.problems.length > 0) {
    out.push({ area: 'codeowners', name: 'codeowners.errors', current: cur.problems.join('; '), wanted: `none (GitHub ignores owners it cannot resolve; fix ${cur.file} in a pull request)` });
  }
  for (const area of want.owned) {
    if (cur.owned.includes(area)) continue;
    out.push({ area: 'codeowners', name: `codeowners.${area}`, current: `no owner (for example ${cur.unowned[area] ?? area})`, wanted: `a code owner (${fix})` });
  }
}

function diffRuleset(cur: RulesetState | null, want: RulesetState | null, out: SettingDifference[], area: 'ruleset' | 'state-ruleset'): void {
  if (!want) return;
  const base = `ruleset.${want.name}`;
  if (!cur) {
    const what = want.pullRequest ? 'pull request with review, status checks, no bypass' : `${want.otherRules.join(', ')}, no bypass`;
    out.push({ area, name: base, current: 'missing', wanted: `active on ${want.include.join(', ')}: ${what}` });
    return;
  }
  push(out, area, `${base}.enforcement`, cur.enforcement, want.enforcement);
  push(out, area, `${base}.target`, cur.target, want.target);
  push(out, area, `${base}.conditions.ref_name.include`, list(cur.include), list(want.include));
  push(out, area, `${base}.conditions.ref_name.exclude`, list(cur.exclude), list(want.exclude));
  push(out, area, `${base}.bypass_actors`, actors(cur.bypassActors), actors(want.bypassActors));

  if (want.pullRequest) {
    if (!cur.pullRequest) {
      out.push({ area, name: `${base}.rules.pull_request`, current: 'missing', wanted: 'required' });
    } else {
      for (const key of Object.keys(want.pullRequest) as (keyof typeof want.pullRequest)[]) {
        push(out, area, `${base}.pull_request.${key}`, cur.pullRequest[key], want.pullRequest[key]);
      }
    }
  }
  if (want.statusChecks) {
    if (!cur.statusChecks) {
      out.push({ area, name: `${base}.rules.required_status_checks`, current: 'missing', wanted: checks(want.statusChecks.required_status_checks) });
    } else {
      push(out, area, `${base}.required_status_checks`, checks(cur.statusChecks.required_status_checks), checks(want.statusChecks.required_status_checks));
      push(
        out,
        area,
        `${base}.required_status_checks.strict_required_status_checks_policy`,
        cur.statusChecks.strict_required_status_checks_policy,
        want.statusChecks.strict_required_status_checks_policy,
      );
    }
  }
  // A rule copydesk does not want here would block the publisher's own pushes to the state branch.
  if (!want.pullRequest && cur.pullRequest) out.push({ area, name: `${base}.rules.pull_request`, current: 'present', wanted: 'absent (the publisher pushes to this branch directly)' });
  if (!want.statusChecks && cur.statusChecks) out.push({ area, name: `${base}.rules.required_status_checks`, current: 'present', wanted: 'absent (the publisher pushes to this branch directly)' });
  for (const type of want.otherRules) {
    if (!cur.otherRules.includes(type)) out.push({ area, name: `${base}.rules.${type}`, current: 'missing', wanted: 'present' });
  }
  for (const type of cur.otherRules) {
    if (!want.otherRules.includes(type)) {
      out.push({ area, name: `${base}.rules.${type}`, current: 'present', wanted: `absent (put extra rules in another ruleset; "${want.name}" is managed by copydesk)` });
    }
  }
}

function diffEnvironment(current: RepoSettings, wanted: RepoSettings, out: SettingDifference[]): void {
  const want = wanted.environment;
  const cur = current.environment;
  const base = `environment.${PUBLISH_ENVIRONMENT}`;
  if (!want) return;
  if (!cur) {
    out.push({ area: 'environment', name: base, current: 'missing', wanted: `deployable from ${policies(want.branchPolicies)} only` });
    for (const p of want.branchPolicies) {
      out.push({ area: 'branch-policies', name: `${base}.branch_policy.${p.name}`, current: 'missing', wanted: 'present' });
    }
    return;
  }
  const fmt = (d: typeof cur.deploymentBranchPolicy) =>
    d === null ? 'any branch' : `protected_branches=${d.protected_branches}, custom_branch_policies=${d.custom_branch_policies}`;
  push(out, 'environment', `${base}.deployment_branch_policy`, fmt(cur.deploymentBranchPolicy), fmt(want.deploymentBranchPolicy));

  const curPolicies = cur.deploymentBranchPolicy?.custom_branch_policies ? cur.branchPolicies : [];
  for (const p of want.branchPolicies) {
    if (!curPolicies.some((c) => samePolicy(c, p))) out.push({ area: 'branch-policies', name: `${base}.branch_policy.${p.name}`, current: 'missing', wanted: 'present' });
  }
  for (const c of curPolicies) {
    if (!want.branchPolicies.some((p) => samePolicy(c, p))) {
      out.push({ area: 'branch-policies', name: `${base}.branch_policy.${c.name}`, current: 'present', wanted: 'absent (only the default branch may publish)' });
    }
  }
}

function samePolicy(a: BranchPolicy, b: BranchPolicy): boolean {
  return a.name === b.name && a.type === b.type;
}

function push(out: SettingDifference[], area: SettingArea, name: string, current: unknown, wanted: unknown): void {
  const c = String(current);
  const w = String(wanted);
  if (c !== w) out.push({ area, name, current: c === '' ? '(empty)' : c, wanted: w === '' ? '(empty)' : w });
}

function list(items: string[]): string {
  return items.length === 0 ? 'none' : [...items].sort().join(', ');
}

function actors(items: BypassActor[]): string {
  return list(items.map((a) => `${a.actor_type}${a.actor_id === null ? '' : `#${a.actor_id}`} (${a.bypass_mode})`));
}

function checks(items: StatusCheck[]): string {
  return list(items.map((c) => (c.integration_id === undefined ? c.context : `${c.context} (app ${c.integration_id})`)));
}

function policies(items: BranchPolicy[]): string {
  return items.map((p) => p.name).join(', ');
}

/** One line per difference: `- name: is X, want Y`. */
export function formatDifferences(diffs: SettingDifference[]): string {
  return diffs.map((d) => `- ${d.name}: is ${d.current}, want ${d.wanted}`).join('\n');
}
