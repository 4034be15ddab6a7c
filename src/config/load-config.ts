/** Reads and validates `copydesk.config.yaml`. Errors name line and field; nothing throws. */
import { diag, type Diagnostic } from '../diagnostic/diagnostic.ts';
import { FieldReader, isRecord } from '../diagnostic/fields.ts';
import { parseYamlWithPositions } from '../diagnostic/yaml-source.ts';
import type { Network } from '../post/network.ts';
import { readPostFile } from '../post/read-post-file.ts';
import { isValidZone, parseInstant } from '../post/time.ts';
import { CONFIG_FILE, defaultConfig, NETWORKS, type Config } from './config.ts';
import { readReread } from './read-reread.ts';
import { readTeam } from './read-team.ts';
import { readFeedback } from './read-feedback.ts';
import { parseCron } from '../schedule/cron.ts';

export type ConfigResult = { ok: true; config: Config; problems: Diagnostic[] } | { ok: false; problems: Diagnostic[] };

const TOP = ['timezone', 'lang', 'channels', 'sensitive_topics', 'watchlist', 'spacing', 'publish', 'quiet_periods', 'credentials', 'credential_notice_days', 'repository', 'roster', 'playbook', 'english', 'sensitive_context', 'reread', 'feedback'] as const;

/** Largest configuration file read: a config is a few KB. */
export const MAX_CONFIG_BYTES = 256 * 1024;

export async function loadConfig(root: string): Promise<ConfigResult> {
  // Read like a post: no symbolic link (the config decides where secrets go), no fifo, bounded.
  const read = await readPostFile(root, CONFIG_FILE, MAX_CONFIG_BYTES, 'the configuration');
  if (!read.ok) {
    if (read.missing) return { ok: true, config: defaultConfig(), problems: [] };
    return { ok: false, problems: [diag(CONFIG_FILE, { line: 1 }, 'error', 'config', read.message, read.fix)] };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(read.bytes);
  } catch {
    return { ok: false, problems: [diag(CONFIG_FILE, { line: 1 }, 'error', 'config', `${CONFIG_FILE} is not valid UTF-8 text`, 'Save the file as UTF-8.')] };
  }
  return parseConfig(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

export function parseConfig(text: string, file = CONFIG_FILE): ConfigResult {
  const y = parseYamlWithPositions(text, 1, file);
  if (!y.ok) {
    return {
      ok: false,
      problems: y.errors.map((e) =>
        e.alias
          ? diag(file, e, 'error', 'config', e.message, 'Replace the alias with the value itself; anchors and aliases are refused in the configuration.', 'yaml')
          : diag(file, e, 'error', 'config', `invalid YAML: ${e.message}`, 'Fix the YAML syntax at this position (indentation, a missing colon, an unclosed quote).', 'yaml')),
    };
  }
  const config = defaultConfig();
  if (y.value === null || y.value === undefined) return { ok: true, config, problems: [] };
  const r = new FieldReader(file, y.at, y.keyAt);
  if (!isRecord(y.value)) {
    r.error([], 'config', `${file} must be a mapping of settings`, 'Start with `timezone: Europe/Warsaw`, one setting per line.');
    return { ok: false, problems: r.problems };
  }
  const v = y.value;
  r.unknownKeys(v, TOP, [], 'config');

  const tz = r.string(v, 'timezone', [], 'config');
  if (tz !== undefined) {
    if (isValidZone(tz)) config.timezone = tz;
    else r.error(['timezone'], 'config', `\`timezone\` "${tz}" is not an IANA time zone`, 'Use a name like Europe/Warsaw, America/New_York or UTC.');
  }
  config.lang = r.string(v, 'lang', [], 'config') ?? config.lang;

  const ch = r.map(v, 'channels', [], 'config');
  if (ch) {
    r.unknownKeys(ch, NETWORKS, ['channels'], 'config');
    config.channels.enabled = Object.keys(ch).filter((k): k is Network => (NETWORKS as readonly string[]).includes(k));
    const bs = r.map(ch, 'bluesky', ['channels'], 'config');
    if (bs) {
      const p = ['channels', 'bluesky'];
      r.unknownKeys(bs, ['service', 'identifier'], p, 'config');
      config.channels.bluesky.service = r.string(bs, 'service', p, 'config') ?? config.channels.bluesky.service;
      const id = r.string(bs, 'identifier', p, 'config');
      if (id) config.channels.bluesky.identifier = id;
    }
    const md = r.map(ch, 'mastodon', ['channels'], 'config');
    if (md) {
      const p = ['channels', 'mastodon'];
      r.unknownKeys(md, ['instance', 'max_characters', 'characters_per_url', 'visibility'], p, 'config');
      const inst = r.string(md, 'instance', p, 'config');
      if (inst) config.channels.mastodon.instance = inst;
      config.channels.mastodon.maxCharacters = r.number(md, 'max_characters', p, 'config', 1) ?? config.channels.mastodon.maxCharacters;
      config.channels.mastodon.charactersPerUrl = r.number(md, 'characters_per_url', p, 'config', 0) ?? config.channels.mastodon.charactersPerUrl;
      const vis = r.string(md, 'visibility', p, 'config');
      if (vis !== undefined) {
        if (['public', 'unlisted', 'private', 'direct'].includes(vis)) config.channels.mastodon.visibility = vis as Config['channels']['mastodon']['visibility'];
        else r.error([...p, 'visibility'], 'config', `\`visibility\` "${vis}" is not a Mastodon visibility`, 'Use public, unlisted, private or direct.');
      }
    }
  }

  const th = ch ? r.map(ch, 'threads', ['channels'], 'config') : undefined;
  if (th) {
    const p = ['channels', 'threads'];
    r.unknownKeys(th, ['user_id', 'api', 'site_url'], p, 'config');
    const uid = th.user_id;
    if (typeof uid === 'number' || typeof uid === 'string') {
      if (/^\d{1,30}$/.test(String(uid))) config.channels.threads.userId = String(uid);
      else r.error([...p, 'user_id'], 'config', `\`user_id\` "${String(uid)}" is not a Threads user id`, 'Write the numeric id `GET https://graph.threads.net/v1.0/me?fields=id` answers with your token, in quotes: `user_id: "1234567890"`.');
    } else if (uid !== undefined && uid !== null) r.error([...p, 'user_id'], 'config', '`user_id` must be a number in quotes', 'Write `user_id: "1234567890"`.');
    for (const [key, field] of [['api', 'api'], ['site_url', 'siteUrl']] as const) {
      const raw = r.string(th, key, p, 'config');
      if (raw === undefined) continue;
      const url = URL.canParse(raw) ? new URL(raw) : undefined;
      if (!url || (url.protocol !== 'https:' && !(key === 'api' && url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)))) {
        r.error([...p, key], 'config', `\`${key}\` "${raw}" is not an https address`, key === 'api' ? 'Leave it out (https://graph.threads.net is the default).' : 'Write the public address of the site, e.g. `https://little-oven.github.io/social`.');
      } else config.channels.threads[field] = raw.replace(/\/+$/, '');
    }
  }

  const topics = r.map(v, 'sensitive_topics', [], 'config');
  if (topics) {
    for (const name of Object.keys(topics)) {
      const list = r.stringList(topics, name, ['sensitive_topics'], 'config');
      if (list) config.sensitiveTopics[name] = list;
    }
  }

  const wl = v.watchlist;
  if (wl !== undefined && wl !== null) {
    if (!Array.isArray(wl)) r.error(['watchlist'], 'config', '`watchlist` must be a list', 'Write one `- term` per line, or `- term: flood` with `reason:`.');
    else wl.forEach((item, i) => {
      if (typeof item === 'string' && item.trim()) config.watchlist.push({ term: item.trim() });
      else if (isRecord(item)) {
        r.unknownKeys(item, ['term', 'reason'], ['watchlist', i], 'config');
        const term = r.string(item, 'term', ['watchlist', i], 'config');
        if (!term?.trim()) r.error(['watchlist', i], 'config', `watchlist item ${i + 1} has no \`term\``, 'Add `term: <word>`.');
        else config.watchlist.push({ term: term.trim(), ...(typeof item.reason === 'string' ? { reason: item.reason } : {}) });
      } else r.error(['watchlist', i], 'config', `watchlist item ${i + 1} must be a word or a mapping with \`term\``, 'Write `- flood` or `- term: flood`.');
    });
  }

  const sp = r.map(v, 'spacing', [], 'config');
  if (sp) {
    r.unknownKeys(sp, ['min_minutes'], ['spacing'], 'config');
    config.minSpacingMinutes = r.number(sp, 'min_minutes', ['spacing'], 'config') ?? config.minSpacingMinutes;
  }
  const pub = r.map(v, 'publish', [], 'config');
  if (pub) {
    r.unknownKeys(pub, ['max_lateness_minutes', 'max_per_run', 'state_branch', 'cadence'], ['publish'], 'config');
    config.publishCrons = r.stringList(pub, 'cadence', ['publish'], 'config') ?? config.publishCrons;
    for (const [i, line] of config.publishCrons.entries()) {
      const c = parseCron(line);
      if (!c.ok) r.error(['publish', 'cadence', i], 'config', `\`publish.cadence\`: ${c.error}`, "Copy the cron lines of .github/workflows/publish.yml, e.g. ['7,37 5-20 * * *'].");
    }
    config.maxLatenessMinutes = r.number(pub, 'max_lateness_minutes', ['publish'], 'config') ?? config.maxLatenessMinutes;
    config.maxPerRun = r.number(pub, 'max_per_run', ['publish'], 'config', 1) ?? config.maxPerRun;
    config.stateBranch = r.string(pub, 'state_branch', ['publish'], 'config') ?? config.stateBranch;
  }

  const qp = v.quiet_periods;
  if (qp !== undefined && qp !== null) {
    if (!Array.isArray(qp)) r.error(['quiet_periods'], 'config', '`quiet_periods` must be a list', 'Write `- {from: "2027-12-24 00:00", until: "2027-12-27 00:00", reason: Christmas}`.');
    else qp.forEach((item, i) => {
      const p = ['quiet_periods', i];
      if (!isRecord(item)) return void r.error(p, 'config', `quiet period ${i + 1} must be a mapping with from, until and reason`, 'Write `- {from: "2027-12-24 00:00", until: "2027-12-27 00:00", reason: Christmas}`.');
      r.unknownKeys(item, ['from', 'until', 'reason'], p, 'config');
      const from = instantField(r, item, 'from', p, config.timezone);
      const until = instantField(r, item, 'until', p, config.timezone);
      if (from !== undefined && until !== undefined) {
        if (until <= from) r.error([...p, 'until'], 'config', `quiet period ${i + 1} ends before it starts`, 'Make `until` later than `from`.');
        else config.quietPeriods.push({ from, until, reason: r.string(item, 'reason', p, 'config') ?? 'quiet period' });
      }
    });
  }

  const cr = v.credentials;
  if (cr !== undefined && cr !== null) {
    if (!Array.isArray(cr)) r.error(['credentials'], 'config', '`credentials` must be a list', 'Write one `- account: …` mapping per account.');
    else cr.forEach((item, i) => {
      const p = ['credentials', i];
      if (!isRecord(item)) return void r.error(p, 'config', `credential ${i + 1} must be a mapping`, 'Give account, network, owner, backup, secret, rotated and revoke.');
      const known = ['account', 'network', 'owner', 'backup', 'secret', 'rotated', 'revoke', 'lifetime_days', 'expires'];
      r.unknownKeys(item, known, p, 'config');
      if (['password', 'token', 'value', 'app_password'].some((k) => k in item)) r.error(p, 'config', 'a credential entry must never hold a secret value', 'Name the secret (e.g. `secret: BLUESKY_APP_PASSWORD`) and keep the value in GitHub secrets.');
      const get = (k: string) => r.string(item, k, p, 'config') ?? '';
      for (const k of ['account', 'network', 'owner', 'secret']) if (!get(k)) r.error(p, 'config', `credential ${i + 1} has no \`${k}\``, `Add \`${k}:\`.`);
      const dateOf = (k: 'rotated' | 'expires') => {
        const raw = item[k] instanceof Date ? (item[k] as Date).toISOString().slice(0, 10) : get(k);
        if (raw && !/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
          r.error([...p, k], 'config', `\`${k}\` "${raw}" is not a date`, `Write it as \`${k}: "2027-01-31"\`.`);
          return undefined;
        }
        return raw || undefined;
      };
      const rotated = dateOf('rotated');
      const expires = dateOf('expires');
      const lifetime = r.number(item, 'lifetime_days', p, 'config', 1);
      config.credentials.push({ account: get('account'), network: get('network'), owner: get('owner'), backup: get('backup'), secret: get('secret'), ...(rotated ? { rotated } : {}), ...(expires ? { expires } : {}), ...(lifetime !== undefined ? { lifetimeDays: lifetime } : {}), revoke: get('revoke') });
    });
  }
  config.credentialNoticeDays = r.number(v, 'credential_notice_days', [], 'config', 0) ?? config.credentialNoticeDays;

  readTeam(r, v, config);
  readReread(r, v, config);
  const en = r.map(v, 'english', [], 'config');
  if (en) {
    r.unknownKeys(en, ['allow', 'profanity_sureness'], ['english'], 'config');
    const allow = r.stringList(en, 'allow', ['english'], 'config');
    if (allow) config.english.allow = allow;
    const sure = r.number(en, 'profanity_sureness', ['english'], 'config', 0);
    if (sure !== undefined) {
      if (sure === 0 || sure === 1 || sure === 2) config.english.profanitySureness = sure;
      else r.error(['english', 'profanity_sureness'], 'config', `\`profanity_sureness\` is ${sure}; it must be 0, 1 or 2`, 'Use 1 (the default: "may be profane" and worse), 0 for every word, 2 for certain profanity only.');
    }
  }
  const sc = r.map(v, 'sensitive_context', [], 'config');
  if (sc) {
    r.unknownKeys(sc, ['place_words', 'phrases'], ['sensitive_context'], 'config');
    const place = r.stringList(sc, 'place_words', ['sensitive_context'], 'config');
    if (place) config.sensitiveContext.placeWords = place;
    const phrases = r.stringList(sc, 'phrases', ['sensitive_context'], 'config');
    if (phrases) config.sensitiveContext.phrases = phrases;
  }

  readFeedback(r, v, config);

  const errors = r.problems.filter((p) => p.severity === 'error');
  return errors.length ? { ok: false, problems: r.problems } : { ok: true, config, problems: r.problems };
}

function instantField(r: FieldReader, obj: Record<string, unknown>, key: string, path: (string | number)[], zone: string): number | undefined {
  const raw = r.string(obj, key, path, 'config');
  if (raw === undefined) return r.error(path, 'config', `\`${key}\` is missing`, `Add \`${key}: "2027-12-24 00:00"\`.`);
  const t = parseInstant(raw, zone);
  if (!t.ok) return r.error([...path, key], 'config', `\`${key}\`: ${t.message}`, t.fix);
  return t.instant;
}
