/**
 * playwright-core is test tooling (test/package.json): code outside test/ (the benchmarks) reaches
 * it through this file, which resolves it from test/node_modules.
 */
export { chromium, type Browser, type Page } from 'playwright-core';
