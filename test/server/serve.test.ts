import assert from 'node:assert/strict';
import { REPO } from '../support/fixtures';
import { credentialsFrom } from '../../server/credentials';
import { sameSecret } from '../../server/auth';
import { json } from '../../server/routes';
import { startServer } from '../../server/serve';

describe('firebreak serve: the HTTP server', () => {
  it('close() lets a request in flight finish, then refuses new connections', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const lines: string[] = [];
    const server = await startServer({
      port: 0,
      log: (line) => lines.push(line),
      routes: [
        {
          method: 'POST',
          path: '/slow',
          handle: async () => {
            await gate;
            return json(200, { done: true });
          },
        },
      ],
    });
    const inFlight = fetch(`${server.url}/slow`, { method: 'POST', body: '{}' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = server.close();
    release();
    const response = await inFlight;
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { done: true });
    await closed;
    await assert.rejects(fetch(`${server.url}/healthz`));
    assert.equal((JSON.parse(lines[0] ?? '{}') as { status?: number }).status, 200);
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    const server = await startServer({ port: 0, log: () => {}, routes: [] });
    try {
      const response = await fetch(`${server.url}/healthz`, { method: 'POST' });
      assert.equal(response.status, 405);
      assert.equal(response.headers.get('allow'), 'GET');
    } finally {
      await server.close();
    }
  });

  it('compares secrets whatever their length', () => {
    assert.equal(sameSecret('abc', 'abc'), true);
    assert.equal(sameSecret('abc', 'abd'), false);
    assert.equal(sameSecret('', 'abc'), false);
    assert.equal(sameSecret('abc'.repeat(100), 'abc'), false);
  });

  it('GitHub credentials: says what is missing before any request', async () => {
    await assert.rejects(credentialsFrom({}, 'http://127.0.0.1:9', REPO), /No GitHub credentials/);
    await assert.rejects(
      credentialsFrom({ FIREBREAK_APP_ID: '12' }, 'http://127.0.0.1:9', REPO),
      /needs both FIREBREAK_APP_ID and FIREBREAK_APP_PRIVATE_KEY/,
    );
    await assert.rejects(
      credentialsFrom({ FIREBREAK_APP_ID: 'abc', FIREBREAK_APP_PRIVATE_KEY: 'x' }, 'http://127.0.0.1:9', REPO),
      /is not a number/,
    );
    await assert.rejects(
      credentialsFrom({ FIREBREAK_APP_ID: '12', FIREBREAK_APP_PRIVATE_KEY: 'not a key' }, 'http://127.0.0.1:9', REPO),
      /could not sign in/,
    );
    const token = await credentialsFrom({ GITHUB_TOKEN: 't' }, 'http://127.0.0.1:9', REPO);
    assert.equal(token.kind, 'token');
  });
});
