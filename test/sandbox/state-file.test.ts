import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSandbox } from '../../sandbox/server';
import { assertNoOpenApiViolations } from '../support/openapi-violations';
import { call, REPO, type Json } from './support';

describe('sandbox: state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'firebreak-sandbox-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('issues, comments, labels and ids survive a restart, and numbering continues', async () => {
    const stateFile = path.join(dir, 'nested', 'state.json');
    const first = await startSandbox({ stateFile });
    const created = await call<Json>(first, 'POST', `/repos/${REPO}/issues`, {
      body: { title: 'before restart', labels: ['incident'] },
    });
    await call(first, 'POST', `/repos/${REPO}/issues/1/comments`, { body: { body: 'note' } });
    assert.ok(existsSync(stateFile), 'saved before the answer was sent');
    await first.close();
    assertNoOpenApiViolations(first);

    const second = await startSandbox({ stateFile });
    try {
      const issue = await call<Json>(second, 'GET', `/repos/${REPO}/issues/1`);
      assert.equal(issue.body.title, 'before restart');
      assert.equal(issue.body.id, created.body.id);
      assert.equal(issue.body.comments, 1);
      assert.deepEqual(
        second.store.labels(REPO).map((l) => l.name),
        ['incident'],
      );
      const next = await call<Json>(second, 'POST', `/repos/${REPO}/issues`, { body: { title: 'after restart' } });
      assert.equal(next.body.number, 2);
      assert.notEqual(next.body.id, created.body.id);
      assertNoOpenApiViolations(second);
    } finally {
      await second.close();
    }
  });

  it('direct store changes are saved too, and no temporary file is left behind', async () => {
    const stateFile = path.join(dir, 'state.json');
    const first = await startSandbox({ stateFile, validate: false });
    first.store.createIssueDirect(REPO, { title: 'seeded' });
    await first.close();
    assert.deepEqual(readdirSync(dir), ['state.json']);
    const second = await startSandbox({ stateFile, validate: false });
    try {
      assert.deepEqual(
        second.store.issues(REPO).map((i) => i.title),
        ['seeded'],
      );
    } finally {
      await second.close();
    }
  });
});
