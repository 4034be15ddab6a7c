// A plain object, not `defineConfig` from 'vitest/config': vitest lives in test/node_modules (the
// test tooling is its own package, test/package.json), so this file at the root imports nothing.
// https://vitest.dev/config/
export default {
  test: {
    include: ['test/**/*.test.ts'],
    // Real servers (Bluesky PDS, git remotes, Chromium) start in some suites: give them room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
};
