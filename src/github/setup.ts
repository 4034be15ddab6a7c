/**
 * `copydesk setup github`: the rules copydesk relies on (a reviewed PR for every change to the
 * default branch, no bot approvals, publishing secrets only for the default branch, its labels),
 * applied as code and checked for drift.
 *
 * - `apply` reads, writes only what differs, reads again to confirm; a second apply writes nothing.
 * - `dry-run` reads and prints every difference; writes nothing.
 * - `check` reads and exits 1 naming each drift (run weekly by .github/workflows/setup-drift.yml).
 */
import type { Octokit } from '@octokit/rest';
import { applySettings } from './settings-apply.ts';
import { diffSettings, formatDifferences, MANUAL_AREAS, type SettingDifference } from './settings-diff.ts';
import { readSettings } from './settings-read.ts';
import { wantedSettings, type WantedOptions } from './settings.ts';

export { wantedSettings, rulesetBody, COPYDESK_LABELS, RULESET_NAME, STATE_RULESET_NAME, CODEOWNED_AREAS, PUBLISH_ENVIRONMENT, GITHUB_ACTIONS_APP_ID } from './settings.ts';
export type { RepoSettings, RulesetState, WorkflowPermissions, EnvironmentState, LabelState, PullRequestRule, StatusChecksRule, WantedOptions } from './settings.ts';
export { readSettings, normalizeRuleset, type RepoRef, type ReadSettingsResult } from './settings-read.ts';
export { diffSettings, formatDifferences, MANUAL_AREAS, type SettingDifference, type SettingArea } from './settings-diff.ts';
export { applySettings, type ApplyResult } from './settings-apply.ts';

/** What `setup github` should do. */
export type SetupMode = 'apply' | 'dry-run' | 'check';

/** Options for {@link runSetup}. */
export interface SetupOptions {
  /** Repository owner. */
  owner: string;
  /** Repository name. */
  repo: string;
  /** `apply` (default in the CLI), `dry-run` or `check`. */
  mode: SetupMode;
  /** Required status check name (default `check`: the check workflow's job). */
  statusCheck?: WantedOptions['statusCheck'];
  /** The state branch to protect (default `copydesk-state`). */
  stateBranch?: WantedOptions['stateBranch'];
}

/** Result of {@link runSetup}: an exit code and text for people. */
export interface SetupResult {
  /** 0 in sync (or applied), 1 drift found (check) or left after apply, 2 GitHub could not be read or written. */
  exitCode: 0 | 1 | 2;
  /** What was found or done, one item a line. */
  text: string;
  /** The differences found before any write. */
  differences: SettingDifference[];
  /** Writes made (apply only). */
  writes: string[];
}

/** Reads, compares and (in `apply` mode) fixes the repository settings. Never throws. */
export async function runSetup(octokit: Octokit, opts: SetupOptions): Promise<SetupResult> {
  const ref = { owner: opts.owner, repo: opts.repo };
  const slug = `${opts.owner}/${opts.repo}`;
  const read = await readSettings(octokit, ref);
  if (!read.ok) return { exitCode: 2, text: `${read.error}\n${read.action}`, differences: [], writes: [] };

  const wanted = wantedSettings({ defaultBranch: read.settings.defaultBranch, statusCheck: opts.statusCheck, stateBranch: opts.stateBranch });
  const differences = diffSettings(read.settings, wanted);

  if (opts.mode === 'check') {
    if (differences.length === 0) return { exitCode: 0, text: `${slug}: GitHub settings are as copydesk wants them.`, differences, writes: [] };
    return {
      exitCode: 1,
      text: `${slug}: ${count(differences.length, 'setting has', 'settings have')} drifted from what copydesk wants:\n${formatDifferences(differences)}\n${restoreHint(differences)}`,
      differences,
      writes: [],
    };
  }

  if (opts.mode === 'dry-run') {
    if (differences.length === 0) return { exitCode: 0, text: `${slug}: already in sync; an apply would change nothing.`, differences, writes: [] };
    return {
      exitCode: 0,
      text: `${slug}: an apply would change ${count(differences.length, 'setting', 'settings')} (dry run, nothing written):\n${formatDifferences(differences)}`,
      differences,
      writes: [],
    };
  }

  if (differences.length === 0) return { exitCode: 0, text: `${slug}: already in sync; nothing changed.`, differences, writes: [] };
  const writable = differences.filter((d) => !MANUAL_AREAS.has(d.area));
  const manual = differences.filter((d) => MANUAL_AREAS.has(d.area));
  if (writable.length === 0) {
    return { exitCode: 1, text: `${slug}: nothing for setup to change, but a file needs a pull request:\n${formatDifferences(manual)}\n${MANUAL_HINT}`, differences, writes: [] };
  }
  const applied = await applySettings(octokit, ref, read.settings, wanted);
  if (!applied.ok) {
    const done = applied.writes.length > 0 ? `\nDone before the failure:\n${applied.writes.map((w) => `- ${w}`).join('\n')}` : '';
    return { exitCode: 2, text: `${applied.error}\n${applied.action}${done}`, differences, writes: applied.writes };
  }

  // Read back: an organisation policy can silently override a repository setting.
  const after = await readSettings(octokit, ref);
  if (!after.ok) return { exitCode: 2, text: `Applied, but reading back failed: ${after.error}\n${after.action}`, differences, writes: applied.writes };
  const all = diffSettings(after.settings, wanted);
  const left = all.filter((d) => !MANUAL_AREAS.has(d.area));
  const changed = `${slug}: made ${count(applied.writes.length, 'change', 'changes')}:\n${applied.writes.map((w) => `- ${w}`).join('\n')}`;
  const files = all.length > left.length ? `\nA file needs a pull request:\n${formatDifferences(all.filter((d) => MANUAL_AREAS.has(d.area)))}\n${MANUAL_HINT}` : '';
  if (left.length > 0) {
    return {
      exitCode: 1,
      text: `${changed}\nStill different after applying (an organisation or enterprise policy may override these):\n${formatDifferences(left)}${files}`,
      differences,
      writes: applied.writes,
    };
  }
  if (files) return { exitCode: 1, text: `${changed}${files}`, differences, writes: applied.writes };
  return { exitCode: 0, text: `${changed}\nAll settings now match.`, differences, writes: applied.writes };
}

const MANUAL_HINT =
  'CODEOWNERS decides who must approve changes to the code and workflows that handle the publishing secrets; setup never edits it. Change it in a reviewed pull request.';

function restoreHint(differences: SettingDifference[]): string {
  const hints: string[] = [];
  if (differences.some((d) => !MANUAL_AREAS.has(d.area))) hints.push('Run `copydesk setup github` with an admin token to restore them (or `--dry-run` to preview).');
  if (differences.some((d) => MANUAL_AREAS.has(d.area))) hints.push(MANUAL_HINT);
  return hints.join('\n');
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
