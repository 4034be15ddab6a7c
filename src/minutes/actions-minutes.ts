/**
 * The month's GitHub Actions bill for the repository's own workflows. On a private repository
 * GitHub bills every job rounded UP to a whole minute (GitHub Free includes 2,000 minutes a month;
 * public repositories pay nothing for standard runners).
 * https://docs.github.com/billing/managing-billing-for-your-products/managing-billing-for-github-actions/about-billing-for-github-actions
 *
 * The model, per workflow file, from its `on:` triggers:
 * - `schedule`: every cron tick of the month (exact, from the cron lines);
 * - `pull_request` / `push`: one run per post pull request / per merge, when the workflow's `paths`
 *   and `paths-ignore` let a change to `posts/` through (a post is one pull request and one merge);
 * - `workflow_run`: one run per run of the workflows it follows;
 * - `issue_comment`: one run per command comment (a comment starting with `/` on a `feedback`
 *   issue): the job's `if:` skips every other comment before a runner starts, and a skipped job
 *   bills nothing;
 * - dispatched by another workflow's `gh workflow run <file>`: one run per run of that workflow that
 *   records something (for the publisher: one per post sent; for the feedback inbox: one per reply
 *   approved);
 * - `issue_comment` (the feedback inbox): one run per inbox command (`/reply`, `/approve`); every
 *   other comment is skipped by the job's `if:`, and a skipped job is not billed.
 * Each run bills its jobs (a job gated on `vars.COPYDESK_PAGES` counts only with Pages on) times the
 * job's billed minutes (`jobMinutes`, default 1: every copydesk job but the test suite and the site
 * build finishes within its first minute). Pure.
 */
import { parseCron, ticksBetween, type Cron } from '../schedule/cron.ts';

/** One workflow file, as far as billing goes. */
export interface WorkflowBilling {
  /** File name, e.g. `publish.yml`. */
  file: string;
  /** The workflow's `name:` (what `workflow_run` refers to). */
  name: string;
  /** Cron lines under `on.schedule`. */
  crons: Cron[];
  /** Runs for a pull request that changes a post only. */
  onPostPullRequest: boolean;
  /** Runs for a push of a post to the default branch (the merge). */
  onPostPush: boolean;
  /** Runs for a command comment on a conversation's issue (`issue_comment`, gated by the job's `if:`). */
  onCommandComment: boolean;
  /** Names of the workflows whose completion starts it (`workflow_run`). */
  after: string[];
  /** Files this workflow starts with `gh workflow run` after a run that recorded something. */
  dispatches: string[];
  /** Jobs billed per run (Pages-only jobs excluded unless Pages is on). */
  jobs: number;
  /** Problems reading it (a bad cron line), for the report. */
  problems: string[];
}

/** What happens in the month besides the clock. */
export interface Workload {
  /** Posts merged through a pull request (each: one PR run, one merge). */
  postPullRequests: number;
  /** Publisher runs that record something (a send, a missed post). */
  recordingPublishRuns: number;
  /**
   * Runs of workflows a person starts by hand (`workflow_dispatch` only), per file, e.g.
   * `{ 'retract.yml': 2 }`. Each also starts what it dispatches (`gh workflow run`). Default none.
   */
  handRuns?: Readonly<Record<string, number>>;
  /** Replies approved (each starts the publisher at once). Default 0. */
  inboxApprovals?: number;
  /** Command comments on feedback issues (`/tone`, `/no-reply-needed`, `/reply`, approvals), each one run of an `issue_comment` workflow. */
  commandComments?: number;
}

/** Hand-started runs in a normal month: crisis tools are rare, but a retraction rebuilds the site, so it is counted. */
export const NORMAL_HAND_RUNS: Readonly<Record<string, number>> = { 'retract.yml': 2 };

export interface WorkflowBill {
  file: string;
  /** Runs in the month. */
  runs: number;
  /** Billed minutes per run (jobs × minutes per job). */
  minutesPerRun: number;
  minutes: number;
  /** Why it runs, for people ("960 cron ticks", "60 post pull requests"). */
  why: string;
}

export interface MonthBill {
  workflows: WorkflowBill[];
  total: number;
}

/** Minimal glob for workflow path filters: `**` any depth, `*` within a segment. */
function globMatch(glob: string, path: string): boolean {
  const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*');
  return new RegExp(`^${re}$`).test(path);
}

/** Whether a trigger's `paths` / `paths-ignore` let a change to a post file through. */
function letsPostThrough(trigger: unknown): boolean {
  const t = (trigger ?? {}) as { paths?: string[]; 'paths-ignore'?: string[] };
  const post = 'posts/2027/example.md';
  if (Array.isArray(t.paths)) return t.paths.some((g) => globMatch(String(g), post));
  if (Array.isArray(t['paths-ignore'])) return !t['paths-ignore'].some((g) => globMatch(String(g), post));
  return true;
}

/** Reads the billing-relevant parts of a parsed workflow (the YAML as an object). */
export function workflowBilling(file: string, wf: unknown, opts: { pages: boolean }): WorkflowBilling {
  const w = (wf ?? {}) as { name?: string; on?: unknown; jobs?: Record<string, { if?: string; steps?: { run?: string; if?: string }[] }> };
  const on = (typeof w.on === 'string' ? { [w.on]: {} } : Array.isArray(w.on) ? Object.fromEntries(w.on.map((k) => [k, {}])) : (w.on ?? {})) as Record<string, unknown>;
  const problems: string[] = [];
  const crons: Cron[] = [];
  for (const s of Array.isArray(on.schedule) ? (on.schedule as { cron?: string }[]) : []) {
    const r = parseCron(String(s.cron ?? ''));
    if (r.ok) crons.push(r.cron);
    else problems.push(`${file}: ${r.error}`);
  }
  const jobs = Object.values(w.jobs ?? {}).filter((j) => opts.pages || !String(j.if ?? '').includes('COPYDESK_PAGES')).length;
  const dispatches = new Set<string>();
  for (const j of Object.values(w.jobs ?? {})) for (const s of j.steps ?? []) for (const m of String(s.run ?? '').matchAll(/gh workflow run\s+([\w.-]+\.ya?ml)/g)) dispatches.add(m[1]!);
  const pushTrigger = on.push as { branches?: string[] } | undefined;
  return {
    file,
    name: w.name ?? file,
    crons,
    onPostPullRequest: 'pull_request' in on && letsPostThrough(on.pull_request),
    onCommandComment: 'issue_comment' in on,
    onPostPush: 'push' in on && letsPostThrough(on.push) && (!pushTrigger?.branches || pushTrigger.branches.includes('main')),
    after: 'workflow_run' in on ? ((on.workflow_run as { workflows?: string[] })?.workflows ?? []).map(String) : [],
    dispatches: [...dispatches],
    jobs,
    problems,
  };
}

/** The month's bill: `from`–`until` (epoch ms) for the cron ticks, the workload for the rest. */
export function monthBill(workflows: readonly WorkflowBilling[], work: Workload, from: number, until: number, jobMinutes: Readonly<Record<string, number>>): MonthBill {
  const runs = new Map<string, { runs: number; why: string[] }>();
  const add = (file: string, n: number, why: string) => {
    const r = runs.get(file) ?? { runs: 0, why: [] };
    r.runs += n;
    if (n) r.why.push(why);
    runs.set(file, r);
  };
  for (const w of workflows) {
    if (w.crons.length) add(w.file, ticksBetween(w.crons, from, until).length, `cron ${w.crons.map((c) => `'${c.source}'`).join(', ')}`);
    if (w.onPostPullRequest) add(w.file, work.postPullRequests, `${work.postPullRequests} post pull requests`);
    if (w.onPostPush) add(w.file, work.postPullRequests, `${work.postPullRequests} merges`);
    const hand = work.handRuns?.[w.file] ?? 0;
    if (hand) add(w.file, hand, `${hand} started by hand`);
    if (w.onCommandComment && work.commandComments) add(w.file, work.commandComments, `${work.commandComments} command comments`);
  }
  // Followers of workflows counted above (`workflow_run` on check → preview-comment).
  for (const w of workflows) {
    for (const name of w.after) {
      const leader = workflows.find((x) => x.name === name);
      const n = leader ? (runs.get(leader.file)?.runs ?? 0) : 0;
      if (n) add(w.file, n, `after ${n} ${name} runs`);
    }
  }
  for (const w of workflows) {
    for (const target of w.dispatches) {
      // Only the publisher dispatches on a schedule; a hand-started workflow (retract) dispatches once per run.
      const n = w.crons.length ? work.recordingPublishRuns : (work.handRuns?.[w.file] ?? 0);
      if (n) add(target, n, `${n} ${w.name} runs${w.crons.length ? ' that recorded something' : ''}`);
      const approvals = w.onCommandComment ? (work.inboxApprovals ?? 0) : 0;
      if (approvals) add(target, approvals, `${approvals} replies approved (${w.name} starts it at once)`);
    }
  }
  const bills: WorkflowBill[] = workflows.map((w) => {
    const r = runs.get(w.file) ?? { runs: 0, why: [] };
    const minutesPerRun = w.jobs * (jobMinutes[w.file] ?? 1);
    return { file: w.file, runs: r.runs, minutesPerRun, minutes: r.runs * minutesPerRun, why: r.why.join(' + ') || 'not in this month' };
  });
  return { workflows: bills, total: bills.reduce((s, b) => s + b.minutes, 0) };
}
