/**
 * `node scripts/check-relevant.ts <base ref>`: the first step of the required check workflow.
 * Lists the files the pull request changes (`git diff --name-only --no-renames base...HEAD`, so a
 * rename shows both names) and writes `relevant=true|false` to $GITHUB_OUTPUT. Imports no package
 * (it runs before `npm ci`). Any failure means "relevant": the full check runs.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { changesNeedCheck } from '../src/check/relevant-changes.ts';

const base = process.argv[2];
let paths: string[] = [];
try {
  if (!base) throw new Error('no base ref given');
  const out = execFileSync('git', ['diff', '--name-only', '--no-renames', '-z', `${base}...HEAD`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  paths = out.split('\0').filter(Boolean);
} catch (e) {
  console.log(`Could not list the changed files (${(e as Error).message.split('\n')[0]}); running the full check.`);
}
const verdict = changesNeedCheck(paths);
console.log(verdict.relevant ? `Running the full check: ${verdict.reason}.` : `Nothing to check: ${verdict.reason}. Reporting success.`);
if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `relevant=${verdict.relevant}\n`);
if (!verdict.relevant && process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `## copydesk check\n\nNothing to check: ${verdict.reason}.\n`);
