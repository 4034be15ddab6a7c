/**
 * The spacing rule looks only at neighbours in time (sorted once), and finds exactly the pairs a
 * comparison of every post with every other finds.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.ts';
import { spacingRule } from '../../src/check/rules/spacing.ts';
import type { RuleContext } from '../../src/check/rules/rule.ts';
import { NOW, postFrom } from './helpers.ts';

describe('spacing', () => {
  it('reports every pair closer than min_minutes on a shared network, as the pairwise comparison does', async () => {
    const config = { ...defaultConfig(), minSpacingMinutes: 45 };
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const nets = ['[bluesky]', '[mastodon]', '[bluesky, mastodon]'];
    const posts = Array.from({ length: 300 }, (_, i) => {
      const minute = Math.floor(rand() * 60 * 24 * 5);
      const at = new Date(Date.UTC(2027, 1, 1) + minute * 60_000).toISOString().slice(0, 19) + 'Z';
      return { ...postFrom(`Post ${i}.`, { id: `p${i}`, publish_at: `"${at}"`, channels: nets[i % 3]! }, config), file: `posts/p${String(i).padStart(3, '0')}.md` };
    });
    const ctx: RuleContext = { config, now: NOW, root: '/repo', changed: true, allPosts: posts };
    let total = 0;
    for (const p of posts) {
      const got = (await spacingRule(p, ctx)).map((d) => d.message);
      const expected = posts.filter((o) => o !== p && Math.abs(o.publishAt! - p.publishAt!) < 45 * 60_000 && o.channels.some((n) => p.channels.includes(n)));
      expect(got.length).toBe(expected.length);
      expected.forEach((o, k) => expect(got[k]).toContain(o.file));
      total += got.length;
    }
    expect(total).toBeGreaterThan(50);
  });
});
