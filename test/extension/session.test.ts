import assert from 'node:assert/strict';
import { defaultConfig } from '../../core/domain/config';
import { GitHubError } from '../../core/domain/errors';
import { silentLogger } from '../../core/github/github-client';
import { openSession, SessionManager, type SessionInputs } from '../../extension/session';
import { startSandbox, type Sandbox } from '../../sandbox/server';

describe('session', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox();
  });
  afterEach(async () => {
    await sandbox.close();
    assert.deepEqual(sandbox.violations, [], "requests and responses follow GitHub's OpenAPI description");
  });

  const inputs = (token = 'sandbox-token'): SessionInputs => ({
    token,
    apiUrl: sandbox.url,
    repo: { owner: 'acme', name: 'shop' },
    config: defaultConfig(),
    templates: {},
    log: silentLogger,
    retryBaseMs: 5,
    writeSpacingMs: 0,
  });

  it('opens with one request that names the signed-in person; permalinks use the web URL', async () => {
    const session = await openSession(inputs());
    assert.equal(session.actor, 'firebreak-dev');
    assert.equal(session.webUrl, sandbox.webUrl);
    assert.deepEqual(
      sandbox.requests.map((r) => `${r.method} ${r.path}`),
      ['GET /user'],
    );
  });

  it('a token GitHub rejects fails with an auth error', async () => {
    await assert.rejects(
      openSession(inputs('wrong')),
      (error: unknown) => error instanceof GitHubError && error.code === 'auth',
    );
  });

  it('hands out one session until reset, and asks for inputs again after a reset', async () => {
    let asked = 0;
    const manager = new SessionManager({ inputs: async () => (asked++, inputs()) });
    const first = await manager.get(false);
    assert.equal(await manager.get(false), first);
    assert.equal(await manager.peek(), first);
    manager.reset();
    assert.equal(await manager.peek(), undefined);
    assert.notEqual(await manager.get(false), first);
    assert.equal(asked, 2);
  });

  it('without inputs (not signed in, or cancelled) there is no session, and the next call asks again', async () => {
    const answers: (SessionInputs | undefined)[] = [undefined, inputs()];
    const manager = new SessionManager({ inputs: async () => answers.shift() });
    assert.equal(await manager.get(true), undefined);
    assert.ok(await manager.get(true));
  });
});
