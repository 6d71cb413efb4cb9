import assert from 'node:assert/strict';
import { ADMIN_TOKEN, call, useSandbox, WRITER_TOKEN, type Json } from './support';

describe('sandbox: primary rate limit', () => {
  let clock = new Date('2030-01-01T00:00:00Z');
  const sandbox = useSandbox({ rateLimit: { limit: 3 }, now: () => clock });

  beforeEach(() => {
    clock = new Date('2030-01-01T00:00:00Z');
  });

  it('counts requests per token and reports them in x-ratelimit-* headers', async () => {
    const first = await call(sandbox(), 'GET', '/user');
    assert.deepEqual(
      ['limit', 'remaining', 'used', 'resource'].map((n) => first.headers.get(`x-ratelimit-${n}`)),
      ['3', '2', '1', 'core'],
    );
    assert.equal(first.headers.get('x-ratelimit-reset'), String(Date.parse('2030-01-01T01:00:00Z') / 1000));
    const other = await call(sandbox(), 'GET', '/user', { token: WRITER_TOKEN });
    assert.equal(other.headers.get('x-ratelimit-remaining'), '2', 'each token has its own budget');
  });

  it('when exhausted answers 403 with remaining 0 and "API rate limit exceeded", until the window resets', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await call(sandbox(), 'GET', '/user')).status, 200);
    const limited = await call<Json>(sandbox(), 'GET', '/user');
    assert.equal(limited.status, 403);
    assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
    assert.equal(limited.body.message, 'API rate limit exceeded for user ID 1.');
    clock = new Date('2030-01-01T01:00:00Z');
    const after = await call(sandbox(), 'GET', '/user');
    assert.equal(after.status, 200);
    assert.equal(after.headers.get('x-ratelimit-remaining'), '2');
  });

  it("exhaustRateLimit empties a token's budget until the given reset", async () => {
    sandbox().exhaustRateLimit(ADMIN_TOKEN, 30);
    const limited = await call(sandbox(), 'GET', '/user');
    assert.equal(limited.status, 403);
    assert.equal(limited.headers.get('x-ratelimit-reset'), String(Date.parse('2030-01-01T00:00:30Z') / 1000));
    clock = new Date('2030-01-01T00:00:30Z');
    assert.equal((await call(sandbox(), 'GET', '/user')).status, 200);
  });

  it('GET /rate_limit reports the budget without spending it', async () => {
    await call(sandbox(), 'GET', '/user');
    const status = await call<Json>(sandbox(), 'GET', '/rate_limit');
    const core = (status.body.resources as Record<string, Json>).core;
    assert.deepEqual(core, { limit: 3, remaining: 2, used: 1, reset: Date.parse('2030-01-01T01:00:00Z') / 1000 });
    assert.deepEqual(status.body.rate, core);
  });
});
