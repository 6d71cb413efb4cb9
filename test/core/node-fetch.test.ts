// The Action's HTTP client (node:http instead of undici's fetch): what octokit reads of an answer, redirects, gzip,
// aborts and refused connections, against real local servers.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createGitHubClient } from '../../core/github/github-client';
import { nodeFetch, nodeFetchAsFetch } from '../../core/github/node-fetch';

type Handler = (
  req: IncomingMessage,
  body: string,
) => { status: number; headers?: Record<string, string>; body?: Buffer | string } | 'hang';

async function serve(handler: Handler): Promise<{ url: string; server: Server; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push(req);
      const answer = handler(req, body);
      if (answer === 'hang') return;
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen };
}

describe('node-fetch: the Action’s HTTP client', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r).closeAllConnections())));
  });
  const start = async (handler: Handler) => {
    const s = await serve(handler);
    servers.push(s.server);
    return s;
  };

  it('sends method, headers and body, and answers status, URL, sorted headers and JSON, gunzipped', async () => {
    const { url, seen } = await start((req, body) => ({
      status: 201,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-b': '2', 'x-a': '1' },
      body: gzipSync(JSON.stringify({ echo: JSON.parse(body) as unknown, method: req.method })),
    }));
    const res = await nodeFetch(`${url}/repos/a/b/issues`, {
      method: 'post',
      headers: { authorization: 'token t', 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Ünïcode' }),
    });
    assert.equal(res.status, 201);
    assert.equal(res.url, `${url}/repos/a/b/issues`);
    assert.deepEqual(await res.json(), { echo: { title: 'Ünïcode' }, method: 'POST' });
    assert.equal(res.headers.get('X-A'), '1');
    const names = [...res.headers].map(([name]) => name);
    assert.deepEqual(
      names.filter((n) => n.startsWith('x-')),
      ['x-a', 'x-b'],
    );
    assert.equal(seen[0]?.headers['authorization'], 'token t');
    assert.equal(seen[0]?.headers['accept-encoding'], 'gzip, deflate');
  });

  it('follows redirects as fetch does: the token stays on its origin, and a 303 becomes a GET', async () => {
    const other = await start((req) => ({
      status: 200,
      body: JSON.stringify({ auth: req.headers['authorization'] ?? null }),
    }));
    const { url } = await start((req) =>
      req.url === '/moved'
        ? { status: 301, headers: { location: `${other.url}/there` } }
        : req.url === '/see-other'
          ? { status: 303, headers: { location: '/done' } }
          : { status: 200, body: JSON.stringify({ method: req.method, auth: req.headers['authorization'] }) },
    );
    const moved = await nodeFetch(`${url}/moved`, { headers: { authorization: 'token secret' } });
    assert.equal(moved.redirected, true);
    assert.equal(moved.url, `${other.url}/there`);
    assert.deepEqual(await moved.json(), { auth: null });
    const seeOther = await nodeFetch(`${url}/see-other`, {
      method: 'POST',
      body: '{}',
      headers: { authorization: 'token t' },
    });
    assert.deepEqual(await seeOther.json(), { method: 'GET', auth: 'token t' });
  });

  it('rejects with the signal’s reason when aborted, and with a TypeError caused by the network error', async () => {
    const { url } = await start(() => 'hang');
    const signal = AbortSignal.timeout(100);
    await assert.rejects(nodeFetch(`${url}/slow`, { signal }), (error: Error) => error.name === 'TimeoutError');
    const { server, url: gone } = await serve(() => ({ status: 200 }));
    await new Promise((r) => server.close(r));
    await assert.rejects(
      nodeFetch(`${gone}/x`),
      (error: TypeError & { cause?: { code?: string } }) =>
        error instanceof TypeError && error.cause?.code === 'ECONNREFUSED',
    );
  });

  it('drives octokit: an answer’s JSON is its data, and an error carries GitHub’s status and message', async () => {
    const { url } = await start((req) =>
      req.url?.startsWith('/repos/a/b/issues/1')
        ? {
            status: 404,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ message: 'Not Found' }),
          }
        : {
            status: 200,
            headers: { 'content-type': 'application/json', etag: '"e1"' },
            body: JSON.stringify([{ number: 2 }]),
          },
    );
    const client = createGitHubClient({ baseUrl: url, token: 't', retries: 0, fetch: nodeFetchAsFetch });
    const list = await client.octokit.request('GET /repos/{owner}/{repo}/issues', { owner: 'a', repo: 'b' });
    assert.deepEqual(
      list.data.map((i) => i.number),
      [2],
    );
    await assert.rejects(
      client.octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}', {
        owner: 'a',
        repo: 'b',
        issue_number: 1,
      }),
      (error: { status?: number; message?: string }) => error.status === 404 && /Not Found/.test(error.message ?? ''),
    );
  });
});
