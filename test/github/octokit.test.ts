import { describe, expect, it } from 'vitest';
import { describeApiError } from '../../src/github/api-error.ts';
import { createOctokit } from '../../src/github/octokit.ts';

describe('createOctokit', () => {
  it('sends the token and a copydesk user agent', async () => {
    let seen: Headers | null = null;
    const fetch: typeof globalThis.fetch = async (_url, init) => {
      seen = new Headers(init?.headers);
      return new Response('{"default_branch":"main"}', { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const octokit = createOctokit({ token: 'ghs_abc', baseUrl: 'http://127.0.0.1:9/', fetch });
    const res = await octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'social' });
    expect(res.data.default_branch).toBe('main');
    expect(seen!.get('authorization')).toBe('token ghs_abc');
    expect(seen!.get('user-agent')).toMatch(/^copydesk /);
  });

  it('abandons a request that does not answer in time, once (no retry of a POST that may have landed)', async () => {
    let calls = 0;
    const fetch: typeof globalThis.fetch = (_url, init) => {
      calls++;
      return new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    };
    const octokit = createOctokit({ token: 'ghs_abc', baseUrl: 'http://127.0.0.1:9', fetch, timeoutMs: 50 });
    const err = await octokit.request('POST /repos/{owner}/{repo}/issues', { owner: 'acme', repo: 'social', title: 't' }).catch((e: unknown) => e);
    expect(calls).toBe(1);
    const failure = describeApiError(err);
    expect(failure.status).toBeNull();
    expect(failure.message).toMatch(/timeout|aborted/i);
    expect(failure.message).not.toContain('ghs_abc');
  });

  it('refuses an empty token', () => {
    expect(() => createOctokit({ token: ' ' })).toThrow(/token is empty/);
  });
});
