/**
 * The one-tap crisis links: GitHub pages a person opens from a phone to freeze, thaw, send a
 * holding statement or propose a post. Built from the repository's web address (config
 * `repository:` or GITHUB_REPOSITORY at the build's entry point); without one, the site says how
 * to set it instead of showing a placeholder.
 *
 * - Issue forms: `…/issues/new?template=<file>` opens the form, and the template applies its own
 *   labels (https://docs.github.com/communities/using-templates-to-encourage-useful-issues-and-pull-requests/syntax-for-issue-forms).
 * - A workflow's page `…/actions/workflows/<file>` has the "Run workflow" button for
 *   `workflow_dispatch` (https://docs.github.com/actions/managing-workflow-runs-and-deployments/managing-workflow-runs/manually-running-a-workflow).
 * - The new-file editor `…/new/<branch>/<dir>?filename=…&value=…` opens prefilled; on a repository
 *   the person cannot push to, GitHub offers to fork and open a pull request.
 */

/** Links for one repository. */
export interface RepoLinks {
  /** `https://github.com/owner/repo`. */
  repoUrl: string;
  /** The "Freeze publishing" issue form. */
  freezeIssue: string;
  /** The freeze workflow's page (Run workflow → freeze or thaw). */
  freezeWorkflow: string;
  /** The holding-statement workflow's page (Run workflow → pick the statement). */
  holdingWorkflow: string;
  /** Open freeze issues (to find and close the one that froze). */
  openFreezeIssues: string;
  /** One issue. */
  issue: (n: number) => string;
  /** The publisher workflow's page (Run workflow retries a failed send). */
  publishWorkflow: string;
  /** The retract workflow's page (Run workflow → the post's id and why: takes a sent post back down). */
  retractWorkflow: string;
  /** A file of the default branch in GitHub's web view. */
  file: (path: string) => string;
  /** GitHub's new-file editor in `dir`, prefilled: `…/new/<branch>/<dir>?filename=…&value=…`. */
  newFile: (dir: string, filename: string, value: string) => string;
}

/** The branch posts are merged into (GitHub's default; the site has no setting for another yet). */
export const DEFAULT_BRANCH = 'main';

/** `https://github.com/owner/repo` from the build's parameter, else from `repository:` in the config. */
export function repoWebUrl(fromEnv: string | undefined, fromConfig: string | undefined): string | undefined {
  if (fromEnv && /^https:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+$/.test(fromEnv)) return fromEnv.replace(/\/$/, '');
  if (fromConfig) return `https://github.com/${fromConfig}`;
  return undefined;
}

export function repoLinks(repoUrl: string, branch = DEFAULT_BRANCH): RepoLinks {
  return {
    repoUrl,
    freezeIssue: `${repoUrl}/issues/new?template=freeze.yml`,
    freezeWorkflow: `${repoUrl}/actions/workflows/freeze.yml`,
    holdingWorkflow: `${repoUrl}/actions/workflows/holding.yml`,
    openFreezeIssues: `${repoUrl}/issues?q=${encodeURIComponent('is:issue is:open label:freeze')}`,
    issue: (n) => `${repoUrl}/issues/${n}`,
    publishWorkflow: `${repoUrl}/actions/workflows/publish.yml`,
    retractWorkflow: `${repoUrl}/actions/workflows/retract.yml`,
    file: (path) => `${repoUrl}/blob/${branch}/${path.split('/').map(encodeURIComponent).join('/')}`,
    newFile: (dir, filename, value) => `${repoUrl}/new/${branch}/${dir}?${new URLSearchParams({ filename, value }).toString()}`,
  };
}
