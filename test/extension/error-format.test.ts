import assert from 'node:assert/strict';
import { ConfigError, FirebreakError, GitHubError, InputError } from '../../core/domain/errors';
import { formatError } from '../../extension/error-format';

describe('formatError', () => {
  it('a rejected token offers Sign in', () => {
    const error = new GitHubError(
      'auth',
      'Could not list issues: GitHub did not accept the token (401 Bad credentials).',
      401,
      'Sign in again.',
    );
    const formatted = formatError(error, 'Refresh incidents');
    assert.equal(
      formatted.message,
      'Refresh incidents: Could not list issues: GitHub did not accept the token (401 Bad credentials). Sign in again.',
    );
    assert.deepEqual(formatted.actions, ['Sign in', 'Show log']);
    assert.match(formatted.logLine, /\[auth 401\]/);
  });

  it('GitHub not answering offers Retry; a wrong repository offers Open settings', () => {
    assert.deepEqual(formatError(new GitHubError('unavailable', 'x', 502), 'Log entry').actions, ['Retry', 'Show log']);
    assert.deepEqual(formatError(new GitHubError('not-found', 'x', 404), 'Log entry').actions, [
      'Open settings',
      'Show log',
    ]);
  });

  it('a config error offers to open the config file; an input error needs no button', () => {
    const config = new ConfigError([
      { file: '.github/incidents.yml', line: 3, column: 1, field: 'severities', message: 'bad' },
    ]);
    assert.deepEqual(formatError(config, 'Declare incident').actions, ['Open config', 'Show log']);
    assert.deepEqual(formatError(new InputError('The entry is empty.'), 'Log entry').actions, []);
  });

  it('a missing or wrong incident repository offers the settings and the config file', () => {
    const error = new FirebreakError(
      'config',
      'Firebreak does not know which repository holds the incidents.',
      'Set firebreak.repository.',
    );
    assert.deepEqual(formatError(error, 'Declare incident').actions, ['Open settings', 'Open config', 'Show log']);
  });

  it('an unexpected error offers Retry and the log', () => {
    assert.deepEqual(formatError(new TypeError('boom'), 'Log entry').actions, ['Retry', 'Show log']);
  });
});
