/**
 * `npm test`: every test the project has (vitest), then one plain summary line that CI reads:
 * `tests: N passed, N failed` (vitest's own summary is not in a form CI recognises).
 *
 * The test tooling (test/package.json) is installed first when missing (scripts/test-tooling.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestTooling, TEST_PACKAGE } from './test-tooling.ts';

if (!ensureTestTooling()) {
  console.log('\ntests: 0 passed, 1 failed');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'copydesk-test-'));
const report = join(dir, 'vitest.json');
const bin = join(TEST_PACKAGE, 'node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(process.execPath, [bin, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
});

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number;
    testResults: { status: string; assertionResults: { status: string }[] }[];
  };
  passed = r.numPassedTests;
  // A file that fails to load has no failed test but must still count as a failure.
  const brokenFiles = r.testResults.filter((s) => s.status === 'failed' && !s.assertionResults.some((a) => a.status === 'failed')).length;
  failed = r.numFailedTests + brokenFiles;
  skipped = r.numPendingTests + r.numTodoTests;
} catch {
  failed = Math.max(1, failed);
}
rmSync(dir, { recursive: true, force: true });
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = run.status === 0 && failed === 0 && passed > 0 ? 0 : 1;
