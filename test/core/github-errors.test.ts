import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { GitHubError } from '../../core/domain/errors';
import { OctokitIssueGateway } from '../../core/github/issue-gateway';

/** A port on which nothing listens: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('GitHub errors that no retry can fix', () => {
  it('a refused connection is named, with host and port, and neither a read nor a create is retried', async () => {
    const port = await closedPort();
    // GitHub's default backoff (1 s, then 4 s, 9 s): retrying would take 14 s. No spacing between writes, which
    // would otherwise hold the second write back 1 s.
    const gateway = new OctokitIssueGateway(
      { owner: 'acme', name: 'shop' },
      { baseUrl: `http://127.0.0.1:${port}`, writeSpacingMs: 0 },
    );
    for (const attempt of [
      () => gateway.getIssue(1),
      () => gateway.createIssue({ title: 'x', body: 'y' }, 'key-1'),
      () => gateway.createComment(1, 'z', 'key-2'),
    ]) {
      const started = Date.now();
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof GitHubError);
        assert.equal(error.code, 'unavailable');
        assert.match(error.message, new RegExp(`connection refused by 127\\.0\\.0\\.1:${port}`));
        assert.doesNotMatch(error.message, /HTTP 500/);
        assert.match(error.hint ?? '', /Nothing was sent/);
        return true;
      });
      assert.ok(Date.now() - started < 900, `failed after ${Date.now() - started} ms`);
    }
  });

  it('an API URL with an unsupported protocol says so at once', async () => {
    const gateway = new OctokitIssueGateway({ owner: 'acme', name: 'shop' }, { baseUrl: 'ftp://api.example.com' });
    const started = Date.now();
    await assert.rejects(
      gateway.getIssue(1),
      /ftp:\/\/api\.example\.com is not a usable API URL \(unsupported protocol/,
    );
    assert.ok(Date.now() - started < 900);
  });
});
