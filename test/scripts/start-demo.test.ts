/**
 * `npm start` on a fresh clone shows the product working: the demo publishes the first shipped
 * example at a simulated time to its own outbox, and the site built at that time shows it as sent.
 * Nothing is written to the repository's own state or outbox.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
// Inside the project (like the site tests): node_modules/.cache is ignored by git and by other builds.
const out = await mkdtemp(join(ROOT, 'node_modules', '.cache', 'copydesk-demo-test-'));
afterAll(() => rm(out, { recursive: true, force: true }));

describe('npm start (demo)', () => {
  it('sends the first example to the demo outbox at the simulated time, and the site shows it as sent', async () => {
    const outboxBefore = existsSync(join(ROOT, 'outbox'));
    const r = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(process.execPath, [join(ROOT, 'scripts/start.ts'), '--no-serve', '--out-dir', out], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ASTRO_TELEMETRY_DISABLED: '1' }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout })),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('copydesk demo: a simulated publishing run at 2027-03-15 09:05 Europe/Warsaw');
    expect(r.stdout).toMatch(/sent mastodon: 2027-03-spring-menu part 1\/1 to the outbox/);
    expect(r.stdout).toContain('outbox/mastodon/2027-03-spring-menu.0.txt');
    const page = await readFile(join(out, 'posts', '2027-03-spring-menu', 'index.html'), 'utf8');
    expect(page).toContain('data-status="sent"');
    expect(existsSync(join(ROOT, 'outbox'))).toBe(outboxBefore);
  }, 300_000); // a whole site build
});
