// The `slack:` section of .github/incidents.yml: Slack user ids linked to GitHub logins, checked like the rest.
import assert from 'node:assert/strict';
import { parseConfig } from '../../../core/domain/config';
import { ConfigError } from '../../../core/domain/errors';

describe('config: slack', () => {
  it('maps Slack user ids to GitHub logins (an @ is dropped)', () => {
    const config = parseConfig('slack:\n  users:\n    U123ABC: octocat\n    W0ENTERPRISE: "@hubot"\n');
    assert.deepEqual(config.slack, { users: { U123ABC: 'octocat', W0ENTERPRISE: 'hubot' } });
  });

  it('is absent without a slack: section; the timeline reaction stays rocket by default', () => {
    const config = parseConfig('');
    assert.equal(config.slack, undefined);
    assert.equal(config.timelineReaction, 'rocket');
  });

  it('names the problem: a key that is no Slack user id, a value that is no login, an unknown field', () => {
    for (const text of [
      'slack:\n  users:\n    octocat: octocat\n',
      'slack:\n  users:\n    U123ABC: "not a login"\n',
      'slack:\n  channel-prefix: inc\n',
    ]) {
      assert.throws(
        () => parseConfig(text),
        (error: unknown) => error instanceof ConfigError && /slack/.test(error.message),
      );
    }
  });
});
