/**
 * The `copydesk` entry point redacts everything any command prints (freeze, status, watchdog…),
 * not only the publisher's own output: a secret pasted into a freeze reason never reaches a log.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');
const SECRET = 'mstdn-Zq8w1x7Yv3Lk9Pj2';

function cli(root: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO, 'scripts', 'copydesk.ts'), ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', COPYDESK_ROOT: root, COPYDESK_NOW: '2027-03-10T10:00:00Z', MASTODON_TOKEN: SECRET },
    }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }));
  });
}

describe('the copydesk command redacts what every command prints', () => {
  let root: string | undefined;
  afterEach(async () => root && rm(root, { recursive: true, force: true }));

  it('a secret (raw, URL-encoded or base64) pasted into a freeze reason is shown as *** by freeze and status', async () => {
    root = await mkdtemp(join(tmpdir(), 'copydesk-redact-'));
    const b64 = Buffer.from(SECRET).toString('base64');
    const froze = await cli(root, ['freeze', '--reason', `leaked ${SECRET} and ${encodeURIComponent(SECRET)} and ${b64}`]);
    expect(froze.code).toBe(0);
    const status = await cli(root, ['status']);
    for (const out of [froze.out, status.out]) {
      expect(out).toContain('leaked ***');
      expect(out).not.toContain(SECRET);
      expect(out).not.toContain(b64.slice(2, 12));
    }
  });
});
