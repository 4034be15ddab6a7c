/**
 * The wrong Node says the right thing: under the machine's old Node (Debian's Node 20 at
 * /usr/bin/node), the install's preinstall and every npm script stop with the version to install
 * and how, not with npm's bare EBADENGINE or a stack trace (ERR_UNKNOWN_FILE_EXTENSION ".ts").
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const OLD_NODE = '/usr/bin/node';

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: ROOT, env: { HOME: process.env.HOME ?? '', PATH: `/usr/bin:${process.env.PATH ?? ''}`, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

const oldNodeVersion = existsSync(OLD_NODE) ? (await run(OLD_NODE, ['--version'])).out.trim() : '';
const isOld = /^v(\d+)\.(\d+)/.test(oldNodeVersion) && (([, a, b]) => Number(a) < 22 || (Number(a) === 22 && Number(b) < 18))(/^v(\d+)\.(\d+)/.exec(oldNodeVersion)!);

describe.runIf(isOld)(`on ${oldNodeVersion} (${OLD_NODE})`, () => {
  it('the preinstall names Node 24, the floor, how to install it, and fails the install', async () => {
    const r = await run(OLD_NODE, ['scripts/require-node.cjs'], { npm_lifecycle_event: 'preinstall' });
    expect(r.code).toBe(1);
    expect(r.out).toContain(`copydesk needs Node.js 24 (or at least 22.18); this is Node ${oldNodeVersion.slice(1)}.`);
    expect(r.out).toContain('nvm install');
    expect(r.out).toContain('https://nodejs.org/en/download');
    expect(r.out).toContain('then run `npm ci` again.');
  });

  it('`npm run copydesk -- check` (the documented command) says the same, with no stack trace', async () => {
    const r = await run('/usr/bin/npm', ['run', 'copydesk', '--', 'check']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('copydesk needs Node.js 24');
    expect(r.out).not.toContain('ERR_UNKNOWN_FILE_EXTENSION');
    expect(r.out).not.toMatch(/^\s+at /m);
  });
});

describe('on this Node', () => {
  it('the check passes silently', async () => {
    const r = await run(process.execPath, ['scripts/require-node.cjs']);
    expect(r).toEqual({ code: 0, out: '' });
  });
});
