import assert from 'node:assert/strict';
import { displayRemote, gitHubHosts, gitHubRemoteRepo } from '../../core/domain/git-remote';
import { resolveRepositories } from '../../core/workspace';
import { defaultConfig } from '../../core/domain/config';

const NAMES = { configPath: '--config', repository: '--repo', apiUrl: '--api-url' };

describe('git remotes that name a GitHub repository', () => {
  const dotCom = gitHubHosts('https://api.github.com');
  const server = gitHubHosts('https://ghe.acme.com/api/v3');

  it('a remote on github.com, over https or ssh', () => {
    for (const url of [
      'https://github.com/acme/shop.git',
      'git@github.com:acme/shop.git',
      'ssh://git@ssh.github.com:443/acme/shop.git',
      'https://x-access-token:secret@github.com/acme/shop',
    ])
      assert.deepEqual(gitHubRemoteRepo(url, dotCom), { owner: 'acme', name: 'shop' }, url);
  });

  it("a remote on the GitHub Enterprise Server the API URL points at, and not github.com's look-alikes", () => {
    assert.deepEqual(gitHubRemoteRepo('git@ghe.acme.com:acme/shop.git', server), { owner: 'acme', name: 'shop' });
    assert.deepEqual(gitHubRemoteRepo('https://ghe.acme.com/acme/shop', server), { owner: 'acme', name: 'shop' });
    assert.equal(gitHubRemoteRepo('git@ghe.acme.com:acme/shop.git', dotCom), undefined);
    assert.equal(gitHubRemoteRepo('https://github.com.evil.example/acme/shop', dotCom), undefined);
  });

  it('a path, a file URL, a Windows path or another host names none', () => {
    for (const url of [
      '/srv/git/acme/shop',
      '../acme/shop',
      'file:///srv/git/acme/shop',
      'C:\\git\\acme\\shop',
      'https://gitlab.com/acme/shop.git',
      'git@gitlab.com:acme/shop.git',
    ])
      assert.equal(gitHubRemoteRepo(url, dotCom), undefined, url);
  });

  it('a remote is shown without the credentials an https URL can carry', () => {
    assert.equal(displayRemote('https://user:ghp_secret@example.com/acme/shop'), 'https://example.com/acme/shop');
  });

  it('the workspace falls back to the origin only when it is on GitHub (every face resolves the same way)', async () => {
    const resolve = (originUrl: string, apiUrl?: string) =>
      resolveRepositories({ names: NAMES, originUrl: () => originUrl, ...(apiUrl ? { apiUrl } : {}) }, defaultConfig());
    assert.deepEqual((await resolve('git@github.com:acme/shop.git')).repository, { owner: 'acme', name: 'shop' });
    assert.deepEqual((await resolve('git@ghe.acme.com:acme/shop.git', 'https://ghe.acme.com/api/v3')).repository, {
      owner: 'acme',
      name: 'shop',
    });
    await assert.rejects(resolve('/srv/git/acme/shop'), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'config');
      assert.match(error.message, /origin remote \/srv\/git\/acme\/shop is not on GitHub/);
      return true;
    });
  });
});
