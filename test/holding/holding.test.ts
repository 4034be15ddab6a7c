/**
 * Holding statements: sent through the publisher's channels while frozen, exactly once (twice
 * dispatched, and twice at the same moment from two machines against a real git state branch and
 * the strict Mastodon fake), only from an existing statement file that passes the check, and in
 * Actions only when approved in a merged pull request (strict GitHub fake).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { freezeCommand } from '../../src/freeze/freeze-command.ts';
import { readFreezes } from '../../src/freeze/freeze-state.ts';
import { holdingCommand } from '../../src/holding/holding-command.ts';
import { appendHoldingLog, readHoldingLog } from '../../src/holding/holding-log.ts';
import { loadStatement } from '../../src/holding/holding.ts';
import { sendHolding } from '../../src/holding/holding-send.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import type { Channel } from '../../src/publish/channel.ts';
import type { Network } from '../../src/post/network.ts';
import { readLedger, recordEvents } from '../../src/schedule/ledger.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { openStateStore } from '../../src/state/open-store.ts';
import { startGitHubGitFake } from '../fakes/github-git-fake.ts';
import { startMastodonFake, type MastodonFake } from '../fakes/mastodon-fake.ts';
import { clonesWithOrigin, context, postFile, tempRepo, TEST_CONFIG } from '../helpers/crisis-repo.ts';

const REPO = join(import.meta.dirname, '../..');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The real statements shipped in playbook/holding/. */
async function realStatements(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of await readdir(join(REPO, 'playbook/holding'))) out[`playbook/holding/${f}`] = await readFile(join(REPO, 'playbook/holding', f), 'utf8');
  return out;
}

const MASTODON_ONLY = (instance: string) => `${TEST_CONFIG.replace(/channels:[\s\S]*?spacing:/, `channels:\n  mastodon:\n    instance: ${instance}\nspacing:`)}`;
const statusPosts = (m: MastodonFake) => m.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses');

describe('copydesk holding', () => {
  it('sends a statement while frozen, once: a second dispatch reports when and where it went and sends nothing', async () => {
    const { root, cleanup } = await tempRepo({
      ...(await realStatements()),
      'posts/promo.md': postFile({ id: 'promo', publish_at: '2027-03-15 09:00' }, 'Cakes half price!'),
    });
    cleanups.push(cleanup);
    const f = context(root, '2027-03-15T07:00:00Z', { GITHUB_ACTOR: 'ola' });
    expect(await freezeCommand(['--reason', 'Water main burst, shop closed'], f.ctx)).toBe(0);

    const first = context(root, '2027-03-15T07:10:00Z', { GITHUB_ACTOR: 'ola' });
    expect(await holdingCommand(['holding-outage'], first.ctx)).toBe(0);
    expect(first.out()).toContain('SENT holding-outage.');
    const txt = join(root, 'outbox/mastodon/holding-outage.0.txt');
    expect(await readFile(txt, 'utf8')).toContain('Service update: online ordering is down');
    const json = await readFile(join(root, 'outbox/bluesky/holding-outage.0.json'), 'utf8');

    const second = context(root, '2027-03-15T07:40:00Z', { GITHUB_ACTOR: 'tom' });
    expect(await holdingCommand(['holding-outage'], second.ctx)).toBe(0);
    expect(second.out()).toContain('holding-outage was already sent; nothing sent now.');
    expect(second.out()).toContain(`mastodon: already sent at 2027-03-15 08:10 Europe/Warsaw (UTC+01:00) (file://${txt})`);
    expect(await readFile(join(root, 'outbox/bluesky/holding-outage.0.json'), 'utf8')).toBe(json);

    const store = createDirStore(join(root, '.copydesk/state'));
    const ledger = await readLedger(store);
    expect(ledger.filter((e) => e.state === 'sent').map((e) => `${e.postId}/${e.network}`).sort()).toEqual(['holding-outage/bluesky', 'holding-outage/mastodon']);
    expect(ledger.filter((e) => e.postId === 'promo')).toEqual([]); // the freeze still holds posts
    expect((await readHoldingLog(store)).map((e) => `${e.by}:${e.outcome}`)).toEqual(['ola:started', 'ola:sent', 'tom:already-sent']);
    expect(await readFreezes(store)).toHaveLength(1); // sending a statement does not thaw
  });

  it('--dry-run shows the text and sends and records nothing', async () => {
    const { root, cleanup } = await tempRepo(await realStatements());
    cleanups.push(cleanup);
    const run = context(root, '2027-03-15T07:10:00Z');
    expect(await holdingCommand(['holding-aware', '--dry-run'], run.ctx)).toBe(0);
    expect(run.out()).toContain('> We know something has gone wrong');
    expect(run.out()).toContain('would be sent now (nothing sent, nothing recorded)');
    await expect(readdir(join(root, 'outbox'))).rejects.toThrow();
    expect(await readLedger(createDirStore(join(root, '.copydesk/state')))).toEqual([]);
  });

  it('two dispatches at the same moment from two machines send it once (git state branch, Mastodon fake)', async () => {
    const mastodon = await startMastodonFake({ token: 'mstdn-crisis-token-0001', now: Date.parse('2027-03-15T07:10:00Z') });
    cleanups.push(() => mastodon.close());
    const statement = postFile({ id: 'holding-aware', channels: ['mastodon'], tags: ['holding'] }, 'We know something has gone wrong, and we are looking into it right now.');
    const { clones, cleanup } = await clonesWithOrigin(2, { 'copydesk.config.yaml': MASTODON_ONLY(mastodon.url), 'playbook/holding/aware.md': statement });
    cleanups.push(cleanup);
    const env = { COPYDESK_STATE: 'git', MASTODON_TOKEN: mastodon.token };
    expect(await freezeCommand(['--reason', 'Incident'], context(clones[0]!, '2027-03-15T07:00:00Z', env).ctx)).toBe(0);

    const a = context(clones[0]!, '2027-03-15T07:10:00Z', { ...env, GITHUB_ACTOR: 'ola' });
    const b = context(clones[1]!, '2027-03-15T07:10:00Z', { ...env, GITHUB_ACTOR: 'tom' });
    expect(await Promise.all([holdingCommand(['holding-aware'], a.ctx), holdingCommand(['holding-aware'], b.ctx)])).toEqual([0, 0]);
    expect(statusPosts(mastodon)).toHaveLength(1);
    expect(mastodon.statuses.map((s) => s.text)).toEqual(['We know something has gone wrong, and we are looking into it right now.']);
    expect(mastodon.violations).toEqual([]);
    const outputs = [a.out(), b.out()];
    expect(outputs.filter((o) => o.includes('SENT holding-aware.'))).toHaveLength(1);

    // Later, from either machine: already sent, with the link to the status.
    const c = context(clones[1]!, '2027-03-15T08:00:00Z', env);
    expect(await holdingCommand(['holding-aware'], c.ctx)).toBe(0);
    expect(c.out()).toContain(`mastodon: already sent at 2027-03-15 08:10 Europe/Warsaw (UTC+01:00) (${mastodon.statuses[0]!.url})`);
    expect(statusPosts(mastodon)).toHaveLength(1);

    const store = await openStateStore(context(clones[0]!, '2027-03-15T08:01:00Z', env).ctx, { readOnly: true });
    await store.refresh();
    const sent = (await readLedger(store)).filter((e) => e.state === 'sent');
    expect(sent.map((e) => e.ref?.url)).toEqual([mastodon.statuses[0]!.url]);
  });

  it('refuses an unknown id, free text, and a statement file with check errors; nothing is sent', async () => {
    const tooLong = postFile({ id: 'holding-long', channels: ['bluesky'] }, `${'We are sorry. '.repeat(30)}`);
    const broken = '---\nid: holding-broken\nchannels: [bluesky\n---\nHello.\n';
    const { root, cleanup } = await tempRepo({ ...(await realStatements()), 'playbook/holding/long.md': tooLong, 'playbook/holding/broken.md': broken });
    cleanups.push(cleanup);

    const unknown = context(root, '2027-03-15T07:10:00Z');
    expect(await holdingCommand(['holding-nope'], unknown.ctx)).toBe(2);
    expect(unknown.err()).toContain('There is no holding statement with id "holding-nope". Available: holding-aware, holding-long, holding-outage, holding-pause.');

    const text = context(root, '2027-03-15T07:10:00Z');
    expect(await holdingCommand(['We are closed today!'], text.ctx)).toBe(2);
    expect(text.err()).toContain('is not a statement id. Only an existing holding statement can be sent');

    const long = context(root, '2027-03-15T07:10:00Z');
    expect(await holdingCommand(['holding-long'], long.ctx)).toBe(1);
    expect(long.err()).toContain('playbook/holding/long.md (id holding-long) has 1 check error(s), so it cannot be sent');
    expect(long.err()).toMatch(/playbook\/holding\/long\.md:\d+: .*(300|too long)/);

    const bad = context(root, '2027-03-15T07:10:00Z');
    expect(await holdingCommand(['holding-broken'], bad.ctx)).toBe(1);
    expect(bad.err()).toContain('playbook/holding/broken.md (id holding-broken) does not pass the check');
    expect(bad.err()).toMatch(/playbook\/holding\/broken\.md:\d+: invalid front-matter YAML/);

    await expect(readdir(join(root, 'outbox'))).rejects.toThrow();
    expect(await readLedger(createDirStore(join(root, '.copydesk/state')))).toEqual([]);
  });

  it('in Actions, sends only a statement approved in a merged pull request (strict GitHub fake)', async () => {
    // GitHub over a real git history (the approval gate follows the checkout's full history).
    const gh = await startGitHubGitFake();
    cleanups.push(() => gh.close());
    gh.roles.set('ola', 'write');
    gh.roles.set('piotr', 'write');
    const mastodon = await startMastodonFake({ token: 'mstdn-crisis-token-0002', now: Date.parse('2027-03-15T07:10:00Z') });
    cleanups.push(() => mastodon.close());
    const approved = postFile({ id: 'holding-aware', channels: ['mastodon'] }, 'We know something has gone wrong, and we are looking into it.');
    const pushed = postFile({ id: 'holding-pause', channels: ['mastodon'] }, 'We are pausing our posts for now.');
    // On GitHub: one statement came through a reviewed PR, the other was pushed straight to main.
    await gh.directPush({ 'copydesk.config.yaml': MASTODON_ONLY(mastodon.url) }, 'owner');
    const pr = await gh.openPull({ author: 'ola', files: { 'playbook/holding/aware.md': approved } });
    gh.review(pr, 'piotr', 'APPROVED');
    await gh.mergePull(pr, 'squash', 'piotr');
    await gh.directPush({ 'playbook/holding/pause.md': pushed }, 'mallory', 'quick fix');
    await gh.syncCheckout();
    const clones = [gh.checkout];
    const env = {
      GITHUB_ACTIONS: 'true', GITHUB_TOKEN: 'ghs_FAKEtokenHolding000000000000', GITHUB_REPOSITORY: 'acme/social', GITHUB_API_URL: gh.baseUrl,
      GITHUB_REF_NAME: 'main', GITHUB_RUN_ID: '9001', GITHUB_ACTOR: 'ola', MASTODON_TOKEN: mastodon.token,
    };
    const ok = context(clones[0]!, '2027-03-15T07:10:00Z', env);
    expect(await holdingCommand(['holding-aware'], ok.ctx)).toBe(0);
    expect(mastodon.statuses.map((s) => s.text)).toEqual(['We know something has gone wrong, and we are looking into it.']);

    const refused = context(clones[0]!, '2027-03-15T07:11:00Z', { ...env, GITHUB_RUN_ID: '9002' });
    expect(await holdingCommand(['holding-pause'], refused.ctx)).toBe(1);
    expect(refused.out()).toContain('NOT SENT: holding-pause could not be confirmed as approved.');
    expect(refused.out()).toContain('without a merged pull request');
    expect(statusPosts(mastodon)).toHaveLength(1);
    expect(gh.violations).toEqual([]);
    expect(mastodon.violations).toEqual([]);
    // Nothing secret in what people see.
    for (const text of [ok.out(), ok.err(), refused.out(), refused.err()]) {
      expect(text).not.toContain(env.GITHUB_TOKEN);
      expect(text).not.toContain(mastodon.token);
    }
  });
});

describe('an interrupted dispatch', () => {
  it('is read back with the time that dispatch used (stable Bluesky record keys), never resent blind', async () => {
    const { root, cleanup } = await tempRepo(await realStatements());
    cleanups.push(cleanup);
    const store = createDirStore(join(root, '.copydesk/state'));
    const cfg = parseConfig(TEST_CONFIG);
    if (!cfg.ok) throw new Error('config');
    const found = await loadStatement(root, cfg.config, 'holding-aware', Date.parse('2027-03-15T07:10:00Z'));
    if (!found.ok) throw new Error(found.message);
    // Dispatch 1 (run r1, 07:10) wrote its intent for bluesky and died before the answer came.
    const t1 = Date.parse('2027-03-15T07:10:00Z');
    await appendHoldingLog(store, { at: '2027-03-15T07:10:00Z', statementId: 'holding-aware', outcome: 'started', by: 'ola', runId: 'r1', publishAt: t1 });
    await recordEvents(store, [{ at: '2027-03-15T07:10:02Z', postId: 'holding-aware', network: 'bluesky', part: 0, state: 'intent', via: 'bluesky', runId: 'r1' }], 'test');

    // Dispatch 2, 40 minutes later: the post is on Bluesky under the record key made from t1.
    const finds: number[] = [];
    const sends: string[] = [];
    const channel = (network: Network): Channel => ({
      name: network,
      async find(p) {
        finds.push(p.scheduledAt);
        return p.scheduledAt === t1 ? { status: 'found', ref: { id: 'rkey', url: `https://${network}.example/rkey` } } : { status: 'absent' };
      },
      async send(p) {
        sends.push(`${network}:${p.postId}`);
        return { status: 'sent', ref: { id: 'x', url: `https://${network}.example/x` } };
      },
    });
    const outcome = await sendHolding({ post: found.post, store, channels: channel, config: cfg.config, now: new Date('2027-03-15T07:50:00Z'), runId: 'r2', by: 'tom', dryRun: false, log: () => {} });
    expect(finds).toEqual([t1]);
    expect(sends).toEqual(['mastodon:holding-aware']); // bluesky was found, not resent
    expect(outcome.status).toBe('sent');
    expect(outcome.networks.find((n) => n.network === 'bluesky')?.ref?.url).toBe('https://bluesky.example/rkey');
    const sent = (await readLedger(store)).filter((e) => e.state === 'sent');
    expect(sent.map((e) => e.network).sort()).toEqual(['bluesky', 'mastodon']);
  });
});

describe('holding.yml', () => {
  it('offers exactly the statements in playbook/holding/', async () => {
    const wf = parseYaml(await readFile(join(REPO, '.github/workflows/holding.yml'), 'utf8')) as { on: { workflow_dispatch: { inputs: { statement: { options: string[] } } } } };
    const ids: string[] = [];
    for (const f of await readdir(join(REPO, 'playbook/holding'))) {
      const m = /^id:\s*(\S+)/m.exec(await readFile(join(REPO, 'playbook/holding', f), 'utf8'));
      if (m && f !== 'README.md') ids.push(m[1]!);
    }
    expect(wf.on.workflow_dispatch.inputs.statement.options.sort()).toEqual(ids.sort());
  });
});


