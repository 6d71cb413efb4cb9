import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
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

  it('caps open connections: one beyond the cap is answered 503 and closed; freed, the server answers again', async () => {
    const server = await startServer({
      port: 0,
      log: () => {},
      routes: [],
      maxConnections: 3,
      headersTimeoutMs: 1_000,
    });
    const { hostname, port } = new URL(server.url);
    const idle = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = connect(Number(port), hostname, () => resolve(socket));
            socket.on('error', reject);
          }),
      ),
    );
    try {
      const refused = await fetch(`${server.url}/healthz`);
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get('retry-after'), '1');
      assert.equal(refused.headers.get('connection'), 'close');
      // A connection beyond the cap that sends nothing is closed at the headers timeout, not held.
      const silent = connect(Number(port), hostname);
      const closedAfter = await new Promise<number>((resolve) => {
        const start = Date.now();
        silent.on('close', () => resolve(Date.now() - start));
        silent.on('error', () => undefined);
      });
      assert.ok(closedAfter < 3_000, `closed after ${closedAfter} ms`);
    } finally {
      idle.forEach((socket) => socket.destroy());
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    await server.close();
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
