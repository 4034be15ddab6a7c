/** The status page's data carries the inbox's filter warnings from the state. */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { FILTERS_PATH, mastodonPolicyWarnings } from '../../src/feedback/notification-filters.ts';
import { loadSiteData } from '../../src/site/load-site-data.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { tempDir } from '../publish/publisher-helpers.ts';

let root = '';
afterEach(() => rm(root, { recursive: true, force: true }));

test('warnings stored by inbox collect reach the site; none stored: none shown', async () => {
  root = await tempDir('site-filters');
  await mkdir(join(root, 'posts'), { recursive: true });
  await writeFile(join(root, 'copydesk.config.yaml'), 'timezone: Europe/Warsaw\n');
  const state = join(root, '.copydesk', 'state');
  const load = () => loadSiteData({ root, now: Date.parse('2027-03-10T10:00:00Z'), env: {}, openStore: async () => createDirStore(state) });
  expect((await load()).inboxFilters).toEqual([]);
  const warnings = mastodonPolicyWarnings({ for_not_following: 'drop' });
  await mkdir(join(state, 'feedback'), { recursive: true });
  await writeFile(join(state, FILTERS_PATH), JSON.stringify({ at: '2027-03-10T09:00:00Z', warnings }));
  expect((await load()).inboxFilters).toEqual(warnings);
});
