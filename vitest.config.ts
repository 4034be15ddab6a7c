// A plain object, not `defineConfig` from 'vitest/config': vitest lives in test/node_modules (the
// test tooling is its own package, test/package.json), so this file at the root imports nothing
// but Node's own modules.
// https://vitest.dev/config/
import { availableParallelism } from 'node:os';

export default {
  test: {
    include: ['test/**/*.test.ts'],
    // Real servers (Bluesky PDS, git remotes, Chromium) start in some suites: give them room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker less than the cores (https://vitest.dev/config/maxworkers):
    // ONE file at a time on CI's 2 cores, while most files spend their time waiting on git
    // subprocesses, servers, Chromium and Astro child processes. One file per core plus one keeps
    // both cores busy (measured in bench/ci.bench.ts; README "Development").
    maxWorkers: availableParallelism() + 1,
  },
};
