import assert from 'node:assert/strict';
import { buildCodeRef, parseRemoteUrl } from '../../core/domain/code-ref';

describe('code references', () => {
  const base = { repo: { owner: 'acme', name: 'shop' }, webUrl: 'https://github.com', commit: 'a'.repeat(40) };

  it('link files inside the repository only: no absolute paths, no climbing out with ..', () => {
    for (const path of ['/etc/passwd', '../../etc/passwd', 'src/../../secrets', 'C:/Windows/win.ini', '..\\x', '']) {
      assert.throws(
        () => buildCodeRef({ ...base, path, startLine: 1, endLine: 1, fileText: 'secret' }),
        /is not a path inside the repository/,
        path,
      );
    }
    const ref = buildCodeRef({ ...base, path: './src/..hidden/a.ts', startLine: 1, endLine: 1 });
    assert.equal(ref.permalink, `https://github.com/acme/shop/blob/${'a'.repeat(40)}/src/..hidden/a.ts#L1`);
  });

  it('reads a repository from a remote only when GitHub would accept its names', () => {
    assert.deepEqual(parseRemoteUrl('git@github.com:acme/shop.git'), { owner: 'acme', name: 'shop' });
    assert.deepEqual(parseRemoteUrl('https://github.com/acme/.github'), { owner: 'acme', name: '.github' });
    for (const url of ['git@host:../...git', 'https://host/acme/..', 'https://host/-acme/shop']) {
      assert.equal(parseRemoteUrl(url), undefined, url);
    }
  });
});
