/** `copydesk check --help` and README.md name the same options and environment variables. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_USAGE } from '../../src/check/check-command.ts';
import { REPO } from './helpers.ts';

const names = (text: string) => new Set([...text.matchAll(/--[a-z][a-z-]+|\b[A-Z]+_[A-Z_]+\b/g)].map((m) => m[0]));

describe('check --help and README', () => {
  it('agree on every option and variable', async () => {
    const readme = await readFile(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('Options and variables of `copydesk check`'), readme.indexOf('## The second reader'));
    const help = names(CHECK_USAGE);
    const doc = names(section);
    expect([...help].sort()).toEqual([...doc].sort());
    for (const flag of ['--format', '--base', '--preview-out', '--verbose', '--timings', '--help', 'COPYDESK_WORKERS', 'GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY', 'PR_NUMBER', 'PR_HEAD_SHA']) expect(help.has(flag), flag).toBe(true);
  });
});
