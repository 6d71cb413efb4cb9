import assert from 'node:assert/strict';
import { ADMIN_TOKEN, call, REPO, useSandbox, type Json } from './support';

describe('sandbox: conditional requests', () => {
  const sandbox = useSandbox();
  const base = `/repos/${REPO}`;

  it('If-None-Match with the ETag answers 304 with no body, does not count against the rate limit, and is recorded', async () => {
    sandbox().store.createIssueDirect(REPO, { title: 'x' });
    const first = await call<Json[]>(sandbox(), 'GET', `${base}/issues`);
    const etag = first.headers.get('etag') ?? '';
    assert.match(etag, /^W\//);
    const remaining = Number(first.headers.get('x-ratelimit-remaining'));
    const second = await fetch(`${sandbox().url}${base}/issues`, {
      headers: { authorization: `token ${ADMIN_TOKEN}`, 'if-none-match': etag },
    });
    assert.equal(second.status, 304);
    assert.equal(await second.text(), '');
    assert.equal(second.headers.get('etag'), etag);
    assert.equal(Number(second.headers.get('x-ratelimit-remaining')), remaining, '304 is free');
    const recorded = sandbox().requests.at(-1);
    assert.equal(recorded?.status, 304);
    assert.equal(recorded?.conditional, true);
  });

  it('a change to the list gives a new ETag, so a poller sees 200 again', async () => {
    sandbox().store.createIssueDirect(REPO, { title: 'x' });
    const first = await call(sandbox(), 'GET', `${base}/issues`);
    sandbox().store.createCommentDirect(REPO, 1, { body: 'news' });
    const after = await call(sandbox(), 'GET', `${base}/issues`, {
      headers: { 'if-none-match': first.headers.get('etag') ?? '' },
    });
    assert.equal(after.status, 200);
    assert.notEqual(after.headers.get('etag'), first.headers.get('etag'));
  });

  it('If-Modified-Since with Last-Modified answers 304 for a single issue', async () => {
    sandbox().store.createIssueDirect(REPO, { title: 'x', createdAt: new Date('2020-01-01T00:00:00Z') });
    const first = await call(sandbox(), 'GET', `${base}/issues/1`);
    assert.equal(first.headers.get('last-modified'), 'Wed, 01 Jan 2020 00:00:00 GMT');
    const second = await call(sandbox(), 'GET', `${base}/issues/1`, {
      headers: { 'if-modified-since': 'Wed, 01 Jan 2020 00:00:00 GMT' },
    });
    assert.equal(second.status, 304);
  });

  it("every answer carries GitHub's headers: JSON content type, request id, rate-limit headers", async () => {
    const response = await call(sandbox(), 'GET', '/user');
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.match(response.headers.get('x-github-request-id') ?? '', /^[0-9A-F]{4}:/);
    for (const name of ['limit', 'remaining', 'used', 'reset', 'resource']) {
      assert.ok(response.headers.get(`x-ratelimit-${name}`), `x-ratelimit-${name}`);
    }
    const error = await call(sandbox(), 'GET', `${base}/issues/5`);
    assert.equal(error.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.ok(error.headers.get('x-ratelimit-remaining'));
  });
});
