import assert from 'node:assert/strict';
import type { FaultKind } from '../../sandbox/server';
import { ADMIN_TOKEN, call, REPO, useSandbox, type Json } from './support';

describe('sandbox: faults, outages and latency', () => {
  const sandbox = useSandbox();
  const issues = `/repos/${REPO}/issues`;

  for (const [kind, status, message] of [
    ['http500', 500, 'Server Error'],
    ['http502', 502, 'Server Error'],
    ['http503', 503, 'Service Unavailable'],
  ] as const) {
    it(`${kind} answers ${status} with GitHub-like error JSON and does not apply the write`, async () => {
      sandbox().failNext(kind);
      const response = await call<Json>(sandbox(), 'POST', issues, { body: { title: 'x' } });
      assert.equal(response.status, status);
      assert.equal(response.body.message, message);
      assert.equal(response.body.status, String(status));
      assert.deepEqual(sandbox().store.issues(REPO), []);
      assert.equal(sandbox().requests.at(-1)?.fault, kind);
    });
  }

  it('reset destroys the connection without an answer and does not apply the write', async () => {
    sandbox().failNext('reset');
    await assert.rejects(call(sandbox(), 'POST', issues, { body: { title: 'x' } }), /fetch failed/);
    assert.deepEqual(sandbox().store.issues(REPO), []);
    assert.equal(sandbox().requests.at(-1)?.fault, 'reset');
  });

  it("secondary-rate-limit answers 403 with retry-after and GitHub's message, without applying the write", async () => {
    sandbox().injectFaults({ rate: 0, retryAfterSeconds: 7 });
    sandbox().failNext('secondary-rate-limit');
    const response = await call<Json>(sandbox(), 'POST', issues, { body: { title: 'x' } });
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('retry-after'), '7');
    assert.match(String(response.body.message), /^You have exceeded a secondary rate limit/);
    assert.notEqual(response.headers.get('x-ratelimit-remaining'), '0', 'not the primary limit');
    assert.deepEqual(sandbox().store.issues(REPO), []);
  });

  it('applied-502 applies the write and still answers 502: the case a retrying client must dedupe', async () => {
    sandbox().failNext('applied-502');
    const response = await call<Json>(sandbox(), 'POST', issues, { body: { title: 'applied anyway' } });
    assert.equal(response.status, 502);
    assert.deepEqual(
      sandbox()
        .store.issues(REPO)
        .map((i) => i.title),
      ['applied anyway'],
    );
  });

  it('failNext queues deterministic faults for matching requests only, count times', async () => {
    sandbox().failNext('http503', 2, { method: 'POST', pathIncludes: '/comments' });
    sandbox().store.createIssueDirect(REPO, { title: 'x' });
    assert.equal((await call(sandbox(), 'GET', `${issues}/1/comments`)).status, 200);
    assert.equal((await call(sandbox(), 'POST', issues, { body: { title: 'y' } })).status, 201);
    assert.equal((await call(sandbox(), 'POST', `${issues}/1/comments`, { body: { body: 'a' } })).status, 503);
    assert.equal((await call(sandbox(), 'POST', `${issues}/1/comments`, { body: { body: 'a' } })).status, 503);
    assert.equal((await call(sandbox(), 'POST', `${issues}/1/comments`, { body: { body: 'a' } })).status, 201);
  });

  it('injectFaults with a seed fails the same requests in the same way every run, only for the given methods', async () => {
    sandbox().store.ensureRepo(REPO);
    const run = async (): Promise<Array<FaultKind | undefined>> => {
      sandbox().resetStats();
      sandbox().injectFaults({
        rate: 0.5,
        seed: 42,
        methods: ['GET'],
        kinds: ['http500', 'http503', 'secondary-rate-limit'],
      });
      for (let i = 0; i < 12; i++) await call(sandbox(), 'GET', issues);
      await call(sandbox(), 'POST', issues, { body: { title: 'never faulted' } });
      sandbox().injectFaults(undefined);
      return sandbox().requests.map((r) => r.fault);
    };
    const first = await run();
    const second = await run();
    assert.deepEqual(first, second);
    assert.ok(
      first.some((f) => f !== undefined),
      'some requests failed',
    );
    assert.ok(
      first.slice(0, 12).some((f) => f === undefined),
      'some requests passed',
    );
    assert.equal(first[12], undefined, 'POST is not in the plan');
  });

  it('while down every connection is destroyed; after setDown(false) requests work again', async () => {
    sandbox().setDown(true);
    await assert.rejects(call(sandbox(), 'GET', '/user'), /fetch failed/);
    sandbox().setDown(false);
    assert.equal((await call(sandbox(), 'GET', '/user')).status, 200);
  });

  it('setLatency delays every answer', async () => {
    sandbox().setLatency(120);
    const started = Date.now();
    await call(sandbox(), 'GET', '/user');
    assert.ok(Date.now() - started >= 110, `took ${Date.now() - started} ms`);
  });

  it('a client that times out during the latency still gets its write applied, and the server stays quiet', async () => {
    sandbox().setLatency(300);
    await assert.rejects(
      fetch(`${sandbox().url}${issues}`, {
        method: 'POST',
        headers: { authorization: `token ${ADMIN_TOKEN}` },
        body: JSON.stringify({ title: 'slow' }),
        signal: AbortSignal.timeout(50),
      }),
      /abort|timeout/i,
    );
    await new Promise((resolve) => setTimeout(resolve, 350));
    assert.deepEqual(
      sandbox()
        .store.issues(REPO)
        .map((i) => i.title),
      ['slow'],
    );
  });

  it('records every request with method, path, query, status, token and byte counts', async () => {
    sandbox().resetStats();
    await call(sandbox(), 'POST', issues, { body: { title: 'x' } });
    await call(sandbox(), 'GET', `${issues}?state=all`, { token: null });
    const [post, get] = sandbox().requests;
    assert.deepEqual(
      {
        method: post?.method,
        path: post?.path,
        status: post?.status,
        token: post?.token,
        conditional: post?.conditional,
      },
      { method: 'POST', path: issues, status: 201, token: ADMIN_TOKEN, conditional: false },
    );
    assert.ok((post?.bytesIn ?? 0) > 0 && (post?.bytesOut ?? 0) > 0);
    assert.equal(get?.query, 'state=all');
    assert.equal(get?.token, undefined);
  });
});
