import assert from 'node:assert/strict';
import { call, REPO, useSandbox, type Json } from './support';

describe('sandbox: repository contents', () => {
  const sandbox = useSandbox();

  it('answers a file at the default branch or at a ref, base64 in lines as GitHub sends it', async () => {
    sandbox().store.putFileDirect(REPO, '.github/incidents.yml', 'severities:\n  critical:\n    freeze: true\n');
    sandbox().store.putFileDirect(REPO, '.github/incidents.yml', 'old: true\n', 'b'.repeat(40));
    const main = await call<Json>(sandbox(), 'GET', `/repos/${REPO}/contents/.github/incidents.yml`);
    assert.equal(main.status, 200);
    assert.equal(main.body['type'], 'file');
    assert.equal(main.body['path'], '.github/incidents.yml');
    assert.equal(main.body['name'], 'incidents.yml');
    assert.equal(
      Buffer.from(String(main.body['content']), 'base64').toString('utf8'),
      'severities:\n  critical:\n    freeze: true\n',
    );
    const atSha = await call<Json>(
      sandbox(),
      'GET',
      `/repos/${REPO}/contents/.github%2Fincidents.yml?ref=${'b'.repeat(40)}`,
    );
    assert.equal(Buffer.from(String(atSha.body['content']), 'base64').toString('utf8'), 'old: true\n');
  });

  it('answers 404 for a file that is not at that ref', async () => {
    sandbox().store.putFileDirect(REPO, 'a.yml', 'x');
    assert.equal((await call(sandbox(), 'GET', `/repos/${REPO}/contents/b.yml`)).status, 404);
    assert.equal((await call(sandbox(), 'GET', `/repos/${REPO}/contents/a.yml?ref=feature`)).status, 404);
  });
});
