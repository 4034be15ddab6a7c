import { describe, expect, it } from 'vitest';
import { explainCodes, failureText, withoutMachinePaths } from '../../src/status/failure-text.ts';

const links = { credentials: '/credentials/', publishWorkflow: 'https://github.com/o/r/actions/workflows/publish.yml', postFile: 'https://github.com/o/r/blob/main/posts/2027/03-hours.md', filePath: 'posts/2027/03-hours.md' };

describe('failureText: a failed send told for people', () => {
  it('a refused login (401) names the network, says to rotate its secret and links the credentials register first', () => {
    const t = failureText({ network: 'mastodon', state: 'failed', part: 1, parts: 2, error: 'HTTP 401: the access token is invalid' }, links);
    expect(t.kind).toBe('login');
    expect(t.where).toBe('Mastodon, part 2 of 2');
    expect(t.what).toBe('Mastodon did not accept our login, so nothing was posted there.');
    expect(t.todo).toContain('MASTODON_TOKEN');
    expect(t.fixes.map((f) => f.label)).toEqual(['Credentials register', 'Run the publisher', 'Open posts/2027/03-hours.md']);
    expect(t.detail).toBe('HTTP 401 (the network did not accept our login): the access token is invalid');
  });

  it('keeps the publisher\'s own advice as what to do, cleaned of machine paths', () => {
    const t = failureText({ network: 'bluesky', state: 'failed', part: 0, error: 'ExpiredToken', action: 'Create a new app password; the log is at /home/runner/work/social/social/.copydesk/log.txt' }, links, { roots: ['/home/runner/work/social/social'] });
    expect(t.kind).toBe('login');
    expect(t.todo).toBe('Create a new app password; the log is at .copydesk/log.txt');
  });

  it('network trouble (ECONNRESET, 503) says it usually passes and how to retry, with the code explained', () => {
    const t = failureText({ network: 'bluesky', state: 'failed', part: 0, error: 'fetch failed: ECONNRESET' }, {});
    expect(t.kind).toBe('unreachable');
    expect(t.todo).toContain('`copydesk publish`');
    expect(t.detail).toBe('fetch failed: ECONNRESET (the connection was cut)');
    expect(failureText({ network: 'mastodon', state: 'failed', part: 0, error: 'HTTP 503' }).kind).toBe('unreachable');
  });

  it('a rate limit, a refused image, refused text and an unknown outcome each get their own words', () => {
    expect(failureText({ network: 'mastodon', state: 'failed', part: 0, error: 'HTTP 429 Too Many Requests' }).kind).toBe('rate-limit');
    const media = failureText({ network: 'mastodon', state: 'failed', part: 0, error: 'HTTP 422: Validation failed: File content type is invalid (image upload)' }, links);
    expect(media.kind).toBe('media');
    expect(media.todo).toContain('posts/2027/03-hours.md');
    expect(failureText({ network: 'bluesky', state: 'failed', part: 0, error: 'InvalidRecord: text too long' }).kind).toBe('content');
    const unknown = failureText({ network: 'bluesky', state: 'unknown', part: 0 });
    expect(unknown.kind).toBe('unknown-outcome');
    expect(unknown.what).toContain('We do not know whether this reached Bluesky');
    expect(unknown.detail).toBeUndefined();
  });

  it('never lets a build-machine path or an unexplained code through', () => {
    const t = failureText({ network: 'mastodon', state: 'failed', part: 0, error: 'ENOENT: no such file /tmp/copydesk-abc123/posts/media/x.png (status 500)' }, {}, { roots: ['/tmp/copydesk-abc123'] });
    expect(t.detail).not.toMatch(/\/tmp\//);
    expect(t.detail).toContain('posts/media/x.png');
    expect(t.detail).toContain('status 500 (the network had an internal error)');
  });
});

describe('withoutMachinePaths and explainCodes', () => {
  it('turns absolute paths into their last part, leaves URLs and repository paths alone', () => {
    expect(withoutMachinePaths('read /home/runner/work/a/b/posts/x.md failed')).toBe('read x.md failed');
    expect(withoutMachinePaths('at C:\\Users\\ci\\repo\\posts\\x.md')).toBe('at x.md');
    expect(withoutMachinePaths('see file:///tmp/x/y.json')).toBe('see y.json');
    expect(withoutMachinePaths('POST https://mastodon.example/api/v1/statuses failed for posts/2027/a.md')).toBe('POST https://mastodon.example/api/v1/statuses failed for posts/2027/a.md');
  });
  it('explains each code once', () => {
    expect(explainCodes('HTTP 413')).toBe('HTTP 413 (too large for the network)');
    expect(explainCodes('HTTP 413 (too large for the network)')).toBe('HTTP 413 (too large for the network)');
    expect(explainCodes('ETIMEDOUT after 30 s')).toBe('ETIMEDOUT (the connection timed out) after 30 s');
  });
});
