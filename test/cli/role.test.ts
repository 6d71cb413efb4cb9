import assert from 'node:assert/strict';
import { useSandbox } from '../support/fixtures';
import { aCheckout, cliRunner } from './support';

describe('firebreak role: who a role goes to', function () {
  this.timeout(60_000);
  const sandbox = useSandbox();
  const run = cliRunner(sandbox);

  async function declared(cwd: string): Promise<number> {
    const result = await run(['declare', '--title', `Checkout down ${Math.random()}`, '--force', '--json'], cwd);
    assert.equal(result.code, 0, result.err);
    return (JSON.parse(result.out) as { number: number }).number;
  }

  it('@me is the token’s login, never a user named "me"', async () => {
    const cwd = aCheckout();
    const number = await declared(cwd);
    // The lead token's user takes the lead from the declarer (the admin token's user).
    const taken = await run(['role', String(number), 'lead', '@me', '--json'], cwd, {
      GITHUB_TOKEN: 'sandbox-token-lead',
    });
    assert.equal(taken.code, 0, taken.err);
    const shown = JSON.parse((await run(['show', String(number), '--json'], cwd)).out) as {
      roles: Record<string, string>;
    };
    assert.equal(shown.roles['lead'], 'octo-lead');
  });

  it('a login GitHub does not know is refused (exit 2) before anything is written', async () => {
    const cwd = aCheckout();
    const number = await declared(cwd);
    const comments = sandbox().store.comments('acme/shop', number).length;
    const body = sandbox().store.issue('acme/shop', number)?.body;
    const refused = await run(['role', String(number), 'comms', '@octo-comms-typo'], cwd);
    assert.equal(refused.code, 2, refused.err);
    assert.match(refused.err, /GitHub has no user @octo-comms-typo; nothing was recorded/);
    assert.equal(sandbox().store.comments('acme/shop', number).length, comments, 'no entry');
    assert.equal(sandbox().store.issue('acme/shop', number)?.body, body, 'no view change');
  });

  it('a known login is recorded as GitHub spells it', async () => {
    const cwd = aCheckout();
    const number = await declared(cwd);
    const given = await run(['role', String(number), 'comms', 'Octo-Comms'], cwd);
    assert.equal(given.code, 0, given.err);
    const shown = JSON.parse((await run(['show', String(number), '--json'], cwd)).out) as {
      roles: Record<string, string>;
    };
    assert.equal(shown.roles['comms'], 'octo-comms');
  });
});
