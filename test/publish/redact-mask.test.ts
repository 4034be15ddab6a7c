/**
 * Session tokens minted during a run are masked in the Actions log the moment they exist, before
 * any request uses them. Against the real local Bluesky PDS (run with its own TMPDIR).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlueskyChannel } from '../../src/publish/bluesky.ts';
import type { OutgoingPart } from '../../src/publish/channel.ts';
import { createRedactor } from '../../src/publish/redact.ts';
import { createSecretSink } from '../../src/publish/secret-sink.ts';
import { startBlueskyServer, type BlueskyServer } from '../helpers/bluesky-server.ts';

let server: BlueskyServer;
beforeAll(async () => {
  server = await startBlueskyServer('maskme');
}, 120_000);
afterAll(async () => {
  await server?.close();
});

function part(postId: string): OutgoingPart {
  return {
    postId, part: 0, partsTotal: 1, text: `Hello from ${postId}`, lang: 'en', media: [],
    idempotencyKey: `${postId}:bluesky:0`, scheduledAt: Date.UTC(2026, 2, 2, 9), now: new Date(Date.UTC(2026, 2, 2, 9, 1)),
  };
}

/** One log of everything in order: what was written to stdout, and every bearer token a request carried. */
function recorder() {
  const events: string[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const auth = headers.get('authorization');
    if (auth) events.push(`request with ${auth}`);
    return fetch(input, init);
  };
  return { events, fetch: fetchImpl };
}

describe('session tokens in GitHub Actions', () => {
  it('prints ::add-mask:: for the access and refresh JWT before any request carries them, and redacts them afterwards', async () => {
    const rec = recorder();
    const redactor = createRedactor([server.password]);
    const sink = createSecretSink({ redactor, inActions: true, write: (t) => rec.events.push(`stdout ${t}`), alreadyMasked: [server.password] });
    const channel = createBlueskyChannel({ service: server.service, identifier: server.handle, password: server.password, fetch: rec.fetch, onSecret: sink });

    const result = await channel.send(part('masked'));
    expect(result.status).toBe('sent');

    const masks = rec.events.filter((e) => e.startsWith('stdout ::add-mask::')).map((e) => e.slice('stdout ::add-mask::'.length).trim());
    expect(masks).toHaveLength(2);
    for (const jwt of masks) expect(jwt).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    // The app password is a secret the runner already masks: it is not printed in a mask line.
    expect(rec.events.join('\n')).not.toContain(server.password);

    const used = rec.events.filter((e) => e.startsWith('request with Bearer '));
    expect(used.length).toBeGreaterThan(0);
    for (const [i, e] of rec.events.entries()) {
      if (!e.startsWith('request with Bearer ')) continue;
      const token = e.slice('request with Bearer '.length);
      const maskedAt = rec.events.findIndex((x) => x === `stdout ::add-mask::${token}\n`);
      expect(maskedAt, `token used at event ${i} was not masked before`).toBeGreaterThanOrEqual(0);
      expect(maskedAt).toBeLessThan(i);
    }
    // From then on the one redactor removes them everywhere.
    for (const jwt of masks) expect(redactor(`echo ${jwt} and ${encodeURIComponent(jwt)}`)).toBe('echo *** and ***');
  });

  it('outside Actions prints nothing, and still redacts the tokens', async () => {
    const rec = recorder();
    const redactor = createRedactor([]);
    const seen: string[] = [];
    const sink = createSecretSink({ redactor, inActions: false, write: (t) => rec.events.push(`stdout ${t}`) });
    const channel = createBlueskyChannel({ service: server.service, identifier: server.handle, password: server.password, fetch: rec.fetch, onSecret: (v) => (seen.push(v), sink(v)) });
    expect((await channel.send(part('local'))).status).toBe('sent');
    expect(rec.events.filter((e) => e.startsWith('stdout'))).toEqual([]);
    expect(seen).toHaveLength(2);
    // Redacted by value too (not only by shape): base64 of the token goes as well.
    const b64 = Buffer.from(`x${seen[0]!}`).toString('base64');
    expect(redactor(b64)).toContain('***');
  });
});
