/**
 * The watchdog's judgement: is the publisher alive? Unhealthy when no run succeeded for more than
 * `maxAgeMinutes` (or never), or when GitHub no longer runs the publish workflow. Pure: the command
 * reads the record and the workflow state, this decides and writes the issue text.
 */
import { fmtInZone, fmtRelative } from '../post/time.ts';
import type { Freeze } from '../freeze/freeze-state.ts';
import { LAST_SUCCESS, describeCounts, type RunRecordResult } from '../status/run-record.ts';
import type { WorkflowState } from './workflow-state.ts';

/** Marker and label of the one watchdog issue (architecture contract). */
export const WATCHDOG_MARKER = 'watchdog';
export const WATCHDOG_LABEL = 'copydesk-watchdog';
/** Default tolerance: the watchdog runs inside the publisher's tick window (twice an hour), so an hour without success is an outage. */
export const DEFAULT_MAX_AGE_MINUTES = 60;

export interface WatchdogInput {
  /** The clock (epoch ms). */
  now: number;
  /** Team time zone for display. */
  zone: string;
  /** The last successful run: the newer of GitHub's run list and `runs/last-success.json`. */
  lastSuccess: RunRecordResult;
  /** The publish workflow's state on GitHub (undefined when not asked, e.g. no token locally). */
  workflow?: WorkflowState;
  /** File name of the publish workflow. */
  workflowFile: string;
  /** Alarm after this many minutes without a successful run. */
  maxAgeMinutes: number;
  /** Active freezes (context for people; a freeze does not stop runs, so it never excuses staleness). */
  freezes: Freeze[];
  /** Web address of a run, when known. */
  runLink?: (runId: string) => string | undefined;
  /** Web address of the repository's Actions page for the workflow. */
  workflowLink?: string;
}

/** One thing wrong, with what to do. */
export interface WatchdogProblem {
  /** Stable code: `never`, `stale`, `unreadable`, `disabled_inactivity`, `disabled_manually`, `disabled_fork`, `deleted`, `missing-workflow`. */
  code: string;
  /** What was found. */
  text: string;
  /** What a person should do. */
  action: string;
}

export type WatchdogVerdict =
  | { healthy: true; /** One line for the log and the closing comment. */ summary: string; /** Context (last success, freeze). */ notes: string[] }
  | {
      healthy: false;
      /** Everything wrong, with actions. */
      problems: WatchdogProblem[];
      /** Issue title. */
      title: string;
      /** Issue body (Markdown). */
      body: string;
      /** Context (last success, freeze, unreadable workflow state). */
      notes: string[];
    };

export function judge(w: WatchdogInput): WatchdogVerdict {
  const problems: WatchdogProblem[] = [];
  const notes: string[] = [];
  const actions = w.workflowLink ? `the Actions tab (${w.workflowLink})` : `the Actions tab → "${w.workflowFile}"`;
  const ls = w.lastSuccess;

  if (ls.status === 'missing') {
    problems.push({
      code: 'never',
      text: `The publisher has never recorded a successful run (GitHub lists no successful run of \`${w.workflowFile}\`, and \`${LAST_SUCCESS}\` is missing from the state branch).`,
      action: `Open ${actions}: check that the workflow has run and why its runs fail. A new repository needs its secrets and the \`publish\` environment (copydesk setup github).`,
    });
  } else if (ls.status === 'unreadable') {
    problems.push({ code: 'unreadable', text: `The last-success record cannot be read: ${ls.error}.`, action: `Look at \`${LAST_SUCCESS}\` on the state branch; the next successful run rewrites it.` });
  } else {
    const age = w.now - ls.at;
    const link = w.runLink?.(ls.record.runId);
    const line = `${fmtInZone(ls.at, w.zone)} (${fmtRelative(ls.at, w.now)}), run ${link ? `[${ls.record.runId}](${link})` : ls.record.runId}: ${describeCounts(ls.record.counts)}`;
    if (age > w.maxAgeMinutes * 60_000) {
      problems.push({
        code: 'stale',
        text: `No publisher run has succeeded for more than ${w.maxAgeMinutes} minutes. Last success: ${line}.`,
        action: `Open ${actions} and read the latest failed run. While no run succeeds, posts that fall due are not sent; once runs succeed again, posts later than the lateness limit are marked missed, never sent late.`,
      });
    } else notes.push(`Last success: ${line}.`);
  }

  const wf = w.workflow;
  if (wf?.status === 'ok') {
    const enable = `Re-enable it: ${actions} → "Enable workflow" (or \`gh workflow enable ${w.workflowFile}\`).`;
    if (wf.state === 'disabled_inactivity') {
      problems.push({
        code: 'disabled_inactivity',
        text: `GitHub disabled the scheduled \`${w.workflowFile}\` workflow: in a public repository, schedules stop after 60 days without activity. Nothing is published on schedule until it is enabled again.`,
        action: `${enable} The watchdog's own schedule is disabled the same way, so check it too. Any commit to the repository resets the 60-day clock.`,
      });
    } else if (wf.state === 'disabled_manually') {
      problems.push({
        code: 'disabled_manually',
        text: `Someone disabled the \`${w.workflowFile}\` workflow by hand: nothing is published on schedule.`,
        action: `If this was meant as a stop, prefer \`copydesk freeze\` (recorded, reasoned, and holding statements still work). ${enable}`,
      });
    } else if (wf.state === 'disabled_fork') {
      problems.push({ code: 'disabled_fork', text: `\`${w.workflowFile}\` is disabled because this repository is a fork.`, action: enable });
    } else if (wf.state === 'deleted') {
      problems.push({ code: 'deleted', text: `\`${w.workflowFile}\` was deleted.`, action: `Restore .github/workflows/${w.workflowFile} in a pull request.` });
    }
  } else if (wf?.status === 'not-found') {
    problems.push({ code: 'missing-workflow', text: `There is no \`${w.workflowFile}\` workflow in this repository.`, action: `Restore .github/workflows/${w.workflowFile}, or run the watchdog with --workflow <file>.` });
  } else if (wf?.status === 'error') {
    notes.push(`The workflow state could not be read (${wf.error}); the watchdog needs \`permissions: actions: read\`.`);
  }

  if (w.freezes.length) notes.push(`Publishing is frozen (${w.freezes.map((f) => `${f.id} by ${f.by}: ${f.reason}`).join('; ')}); the publisher still runs while frozen.`);

  if (!problems.length) return { healthy: true, summary: `Publisher healthy. ${notes.join(' ')}`.trim(), notes };
  const title = problems.some((p) => p.code.startsWith('disabled') || p.code === 'deleted' || p.code === 'missing-workflow')
    ? `copydesk: the publish workflow is not running (${problems[0]!.code.replace(/_/g, ' ')})`
    : `copydesk: no successful publisher run for over ${w.maxAgeMinutes} minutes`;
  const body = [
    'The copydesk watchdog found a problem with scheduled publishing.',
    '',
    ...problems.flatMap((p) => [`- **${p.text}**`, `  ${p.action}`]),
    ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
    '',
    `Checked ${fmtInZone(w.now, w.zone)}. This issue is updated on every watchdog run (daily) while the problem lasts and closed by the watchdog when runs succeed again.`,
  ].join('\n');
  return { healthy: false, problems, title, body, notes };
}
