import assert from 'node:assert/strict';
import { useSandbox } from '../support/fixtures';
import { aCheckout, cliRunner } from './support';

const BAD_CONFIG = 'severities:\n  - name: critical\n    freeze: sometimes\n';

/** One invocation of every command that works on a repository. */
const COMMANDS: readonly string[][] = [
  ['declare', '--title', 'Checkout down', '--force'],
  ['log', '1', '--text', 'Restarted'],
  ['update', '1', '--text', 'Better'],
  ['severity', '1', 'minor'],
  ['role', '1', 'comms', 'octo-comms'],
  ['break', '1'],
  ['resolve', '1'],
  ['reopen', '1'],
  ['show', '1'],
  ['list'],
  ['repair', '1'],
  ['retro', '1'],
  ['history', 'README.md:1'],
  ['freeze'],
  ['follow-ups', '1'],
  ['status'],
  ['status-page', '--out', 'site'],
  ['maintenance', '--title', 'Upgrade', '--start', '2026-12-01 02:00', '--end', '2026-12-01 03:00'],
  ['serve', '--port', '0'],
];

describe('firebreak exit codes: one rule for every command', function () {
  this.timeout(60_000);
  const sandbox = useSandbox();
  const run = cliRunner(sandbox);

  it('a broken config file exits 2, naming the file, line and field, for every command', async () => {
    const cwd = aCheckout(BAD_CONFIG);
    for (const args of COMMANDS) {
      const result = await run(args, cwd, { FIREBREAK_ALERT_TOKEN: 'alert-token-0123456789' });
      assert.equal(result.code, 2, `firebreak ${args.join(' ')}: ${result.err}`);
      assert.match(result.err, /\.github\/incidents\.yml:3:\d+: severities\[0\]\.freeze/, args.join(' '));
    }
  });

  it('bad input exits 2 and GitHub refusing exits 1, whatever the command', async () => {
    const cwd = aCheckout();
    const inputs: string[][] = [
      ['show', 'one'],
      ['log', '1'],
      ['severity', '1', 'apocalyptic'],
      ['declare', '--title', 'x', '--severity', 'apocalyptic'],
      ['list', '--api-url', 'ftp://example.com'],
      ['list', '--repo', 'not a repo'],
      ['status', '--unknown-flag'],
    ];
    for (const args of inputs) assert.equal((await run(args, cwd)).code, 2, args.join(' '));
    const refusals: string[][] = [['list'], ['show', '1'], ['status'], ['freeze']];
    for (const args of refusals)
      assert.equal(
        (await run(args, cwd, { GITHUB_TOKEN: 'not-a-token' })).code,
        1,
        `${args.join(' ')} with a bad token`,
      );
    assert.equal((await run(['show', '4242'], cwd)).code, 1, 'an issue GitHub does not have');
  });

  it('the one-team check exits 3', async () => {
    const cwd = aCheckout();
    const first = await run(['declare', '--title', 'Payments are failing', '--force'], cwd);
    assert.equal(first.code, 0, first.err);
    assert.equal((await run(['declare', '--title', 'Payments are failing'], cwd)).code, 3);
  });
});

describe('firebreak: which repository, without --repo', function () {
  this.timeout(60_000);
  const sandbox = useSandbox();
  const run = cliRunner(sandbox);

  for (const origin of ['/srv/git/acme/shop', 'file:///srv/git/acme/shop', 'git@git.example.com:acme/shop.git']) {
    it(`an origin that is not on GitHub (${origin}) names no repository: exit 2, saying how, nothing written`, async () => {
      const issues = sandbox().store.issues('acme/shop').length;
      const result = await run(['declare', '--title', 'Checkout down', '--force'], aCheckout(undefined, origin));
      assert.equal(result.code, 2, result.err);
      assert.match(result.err, /does not know which repository/);
      assert.match(result.err, /is not on GitHub/);
      assert.match(result.err, /--repo owner\/name.*repository: owner\/name.*GITHUB_REPOSITORY/s);
      assert.equal(sandbox().store.issues('acme/shop').length, issues, 'nothing was declared');
    });
  }

  it('a GitHub remote (https or ssh) names it', async () => {
    for (const origin of ['git@github.com:acme/shop.git', 'https://github.com/acme/shop']) {
      const result = await run(['list', '--json'], aCheckout(undefined, origin));
      assert.equal(result.code, 0, `${origin}: ${result.err}`);
    }
  });
});
