/**
 * A crisis plan nobody has re-read is a plan with wrong phone numbers. Every playbook page carries
 * `last_reviewed: YYYY-MM-DD` in its front matter; the check warns when it is missing, unreadable,
 * in the future, or older than `playbook.review_max_age_days` (config, default 180). Pure: pages
 * in, diagnostics out. The date is read from the raw front-matter lines (never through a YAML
 * engine that could turn it into a Date in another zone, or run code).
 */
import { diag, type Diagnostic } from '../diagnostic/diagnostic.ts';

/** A playbook page as read from disk. */
export interface PlaybookPage {
  /** Repository-relative path, e.g. `playbook/severity.md`. */
  file: string;
  /** The file's text. */
  text: string;
}

const RULE = 'playbook-review';
const DAY_MS = 86_400_000;

/** Warnings for pages whose review date is missing, invalid or too old. */
export function playbookReviewProblems(pages: readonly PlaybookPage[], now: number, maxAgeDays: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const page of pages) {
    const found = findReviewDate(page.text);
    const today = new Date(now).toISOString().slice(0, 10);
    if (found.kind === 'none') {
      out.push(diag(page.file, { line: 1 }, 'warning', RULE, 'this playbook page has no `last_reviewed` date', `Re-read the page, then add \`last_reviewed: ${today}\` to its front matter.`));
      continue;
    }
    if (found.kind === 'invalid') {
      out.push(diag(page.file, { line: found.line }, 'warning', RULE, `\`last_reviewed\` "${found.raw}" is not a date`, `Write the day you re-read the page as YYYY-MM-DD, e.g. \`last_reviewed: ${today}\`.`));
      continue;
    }
    const ageDays = Math.floor((now - found.at) / DAY_MS);
    if (ageDays < -1) {
      out.push(diag(page.file, { line: found.line }, 'warning', RULE, `\`last_reviewed\` ${found.raw} is in the future`, `Write the day the page was really re-read (today is ${today}).`));
    } else if (ageDays > maxAgeDays) {
      out.push(diag(page.file, { line: found.line }, 'warning', RULE, `this page was last reviewed ${ageDays} days ago (${found.raw}); the team re-reads every page within ${maxAgeDays} days`, `Re-read it (names, phone instructions, links), fix what changed, and set \`last_reviewed: ${today}\`.`));
    }
  }
  return out;
}

type Found = { kind: 'none' } | { kind: 'invalid'; line: number; raw: string } | { kind: 'ok'; line: number; raw: string; at: number };

/** The `last_reviewed` line of the leading front-matter block. */
function findReviewDate(text: string): Found {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') return { kind: 'none' };
  for (let i = 1; i < lines.length && i < 200; i++) {
    const line = lines[i]!;
    if (line.trim() === '---') break;
    const m = /^last_reviewed:\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const raw = m[1]!.replace(/^(["'])(.*)\1$/, '$2');
    const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
    const at = d ? Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])) : NaN;
    if (!d || Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== raw) return { kind: 'invalid', line: i + 1, raw };
    return { kind: 'ok', line: i + 1, raw, at };
  }
  return { kind: 'none' };
}
