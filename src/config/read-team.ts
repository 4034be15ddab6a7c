/** Reads `repository:`, `roster:` and `playbook:` from the configuration. Errors name line and field. */
import type { FieldReader } from '../diagnostic/fields.ts';
import { isRecord } from '../diagnostic/fields.ts';
import type { Config } from './config.ts';
import { REPOSITORY_PATTERN, ROSTER_ROLES, type RosterRole } from './team.ts';

/** Fills `config.repository`, `config.roster` and `config.playbookReviewDays` from the parsed YAML. */
export function readTeam(r: FieldReader, v: Record<string, unknown>, config: Config): void {
  const repo = r.string(v, 'repository', [], 'config');
  if (repo !== undefined) {
    if (REPOSITORY_PATTERN.test(repo.trim())) config.repository = repo.trim();
    else r.error(['repository'], 'config', `\`repository\` "${repo}" is not an owner/name pair`, 'Write the GitHub path of this repository, e.g. `repository: little-oven/social`.');
  }

  const roster = v.roster;
  if (roster !== undefined && roster !== null) {
    if (!Array.isArray(roster)) r.error(['roster'], 'config', '`roster` must be a list', 'Write one `- name: …` mapping per person, with `role:` (owner, backup, schedule, admin or member).');
    else roster.forEach((item, i) => {
      const p = ['roster', i];
      if (!isRecord(item)) return void r.error(p, 'config', `roster entry ${i + 1} must be a mapping`, 'Write `- {name: Anna Nowak, role: owner, github: anna-nowak}`.');
      r.unknownKeys(item, ['name', 'role', 'github', 'contact'], p, 'config');
      const name = r.string(item, 'name', p, 'config')?.trim();
      const role = r.string(item, 'role', p, 'config')?.trim().toLowerCase();
      const github = r.string(item, 'github', p, 'config')?.trim().replace(/^@/, '');
      const contact = r.string(item, 'contact', p, 'config')?.trim();
      if (!name) return void r.error(p, 'config', `roster entry ${i + 1} has no \`name\``, 'Add `name: <how the team calls them>`.');
      if (!role || !(ROSTER_ROLES as readonly string[]).includes(role)) {
        return void r.error([...p, ...(role ? ['role'] : [])], 'config', `roster entry "${name}" needs \`role\`: one of ${ROSTER_ROLES.join(', ')}`, 'The owner decides in an incident, the backup when the owner is unreachable; schedule freezes and re-reads the queue.');
      }
      if (github !== undefined && !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(github)) r.error([...p, 'github'], 'config', `\`github\` "${github}" is not a GitHub login`, 'Write the login only, e.g. `github: anna-nowak`.');
      if (contact && /\+?\d[\d\s().-]{6,}\d/.test(contact)) r.error([...p, 'contact'], 'config', `roster entry "${name}": \`contact\` looks like a phone number`, 'Keep phone numbers in the password vault: the site may be public. Write where to find it, e.g. "mobile, in the vault".');
      config.roster.push({ name, role: role as RosterRole, ...(github ? { github } : {}), ...(contact ? { contact } : {}) });
    });
  }

  const pb = r.map(v, 'playbook', [], 'config');
  if (pb) {
    r.unknownKeys(pb, ['review_max_age_days'], ['playbook'], 'config');
    config.playbookReviewDays = r.number(pb, 'review_max_age_days', ['playbook'], 'config', 1) ?? config.playbookReviewDays;
  }
}
