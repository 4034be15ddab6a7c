/** What `runCheck` found, per file, shared by every output format and the PR preview. */
import type { Diagnostic } from '../diagnostic/diagnostic.ts';
import type { Post } from '../post/post.ts';
import type { Accepted } from './ignores.ts';
import type { CheckedCard } from './card-check.ts';

/** One check and whether it ran on a file (and why not). */
export interface CheckStatus {
  /** Check name: `length`, `retext-equality`, … */
  id: string;
  /** False when skipped. */
  ran: boolean;
  /** Why it was skipped, or a note about how it ran. */
  note?: string;
}

export interface FileReport {
  /** Repository-relative path. */
  file: string;
  /** The parsed post (absent when the file did not parse). */
  post?: Post;
  /** True when the file is new or changed in this change. */
  changed: boolean;
  /** Findings left after accepted warnings, sorted. */
  findings: Diagnostic[];
  /** Warnings accepted with a copydesk-ignore comment. */
  accepted: Accepted[];
  /** Which checks ran and which were skipped. */
  checks: CheckStatus[];
  /** The Bluesky link cards fetched for it (`--cards`), one per part with a link and no images. */
  cards?: CheckedCard[];
}

export interface CheckReport {
  /** Every checked file, sorted by path. */
  files: FileReport[];
  /** Every post of the repository (for previews: what else goes out the same day). */
  allPosts: Post[];
  /** Findings that concern no single post (configuration warnings). */
  general: Diagnostic[];
  /** Run-level notes for people ("config changed: all posts checked"). */
  notes: string[];
  /** Milliseconds per stage, when a timer was given. */
  timings?: Record<string, number>;
}

/** All findings of a report, sorted by file then position. */
export function allFindings(report: CheckReport): Diagnostic[] {
  return [...report.general, ...report.files.flatMap((f) => f.findings)];
}

export function countBySeverity(report: CheckReport): { errors: number; warnings: number; accepted: number } {
  const all = allFindings(report);
  return {
    errors: all.filter((d) => d.severity === 'error').length,
    warnings: all.filter((d) => d.severity === 'warning').length,
    accepted: report.files.reduce((n, f) => n + f.accepted.length, 0),
  };
}
