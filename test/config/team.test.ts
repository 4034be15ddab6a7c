/** `repository:`, `roster:` and `playbook:` in the config: what the call tree and the crisis buttons read. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.ts';
import { callOrder } from '../../src/config/team.ts';
import { repoLinks, repoWebUrl } from '../../src/site/repo-links.ts';

describe('team configuration', () => {
  it('reads the roster and puts the owner first, then the backup, the schedule owner and the rest', () => {
    const r = parseConfig('repository: little-oven/social\nroster:\n  - {name: Ola, role: member}\n  - {name: Piotr, role: backup}\n  - {name: Anna, role: Owner, github: "@anna-n"}\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.repository).toBe('little-oven/social');
    expect(callOrder(r.config.roster).map((p) => p.name)).toEqual(['Anna', 'Piotr', 'Ola']);
    expect(r.config.roster.find((p) => p.name === 'Anna')?.github).toBe('anna-n');
  });

  it('refuses a phone number in the roster (the site may be public), a role it does not know, and a malformed repository, with line and fix', () => {
    const r = parseConfig('repository: https://github.com/x\nroster:\n  - name: Anna\n    role: boss\n  - name: Piotr\n    role: backup\n    contact: "+48 601 234 567"\n');
    expect(r.ok).toBe(false);
    const msgs = r.problems.map((p) => `${p.line}: ${p.message}`);
    expect(msgs).toEqual([
      '1: `repository` "https://github.com/x" is not an owner/name pair',
      '4: roster entry "Anna" needs `role`: one of owner, backup, schedule, admin, member',
      '7: roster entry "Piotr": `contact` looks like a phone number',
    ]);
    expect(r.problems.every((p) => p.fix)).toBe(true);
  });

  it('links: the environment\'s repository wins over the config, and the freeze form and workflows are the real GitHub pages', () => {
    expect(repoWebUrl('https://github.com/a/b', 'c/d')).toBe('https://github.com/a/b');
    expect(repoWebUrl(undefined, 'c/d')).toBe('https://github.com/c/d');
    expect(repoWebUrl(undefined, undefined)).toBeUndefined();
    const l = repoLinks('https://github.com/c/d');
    expect([l.freezeIssue, l.freezeWorkflow, l.holdingWorkflow, l.issue(7)]).toEqual([
      'https://github.com/c/d/issues/new?template=freeze.yml', 'https://github.com/c/d/actions/workflows/freeze.yml', 'https://github.com/c/d/actions/workflows/holding.yml', 'https://github.com/c/d/issues/7',
    ]);
  });
});
