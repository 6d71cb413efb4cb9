// The deployment gate's pure parts: the config keys (environments, deployments) with file:line:field errors, the
// webhook request it reads, and the answer it gives.
import assert from 'node:assert/strict';
import { parseConfig } from '../../core/domain/config';
import { ConfigError } from '../../core/domain/errors';
import { environmentServices, parseProtectionRule } from '../../core/use-cases/deployment-gate';

function problemsOf(text: string) {
  try {
    parseConfig(text, '.github/incidents.yml');
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.problems.map((p) => ({ line: p.line, field: p.field, message: p.message }));
  }
  assert.fail('expected the config to be rejected');
}

describe('deployment gate: config and requests', () => {
  it('reads environments and deployments, with defaults', () => {
    const config = parseConfig(
      [
        'services:',
        '  api: { paths: ["api/**"] }',
        'environments:',
        '  Production: [api]',
        'deployments:',
        '  while-frozen: hold',
        '  repositories: [acme/web]',
      ].join('\n'),
    );
    assert.deepEqual(config.deployments, { whileFrozen: 'hold', repositories: [{ owner: 'acme', name: 'web' }] });
    assert.deepEqual(environmentServices(config, 'production'), ['api']);
    assert.deepEqual(environmentServices(config, 'staging'), []);
    assert.deepEqual(parseConfig('').deployments, { whileFrozen: 'reject', repositories: [] });
  });

  it('names the file, line and field of a mistake', () => {
    const problems = problemsOf(
      [
        'services:',
        '  api: { paths: ["api/**"] }',
        'environments:',
        '  production: [api, web]',
        'deployments:',
        '  while-frozen: wait',
        '  repositories: [web]',
        '  retries: 3',
      ].join('\n'),
    );
    assert.deepEqual(
      problems.map((p) => [p.line, p.field]).sort((a, b) => Number(a[0]) - Number(b[0])),
      [
        [6, 'deployments.while-frozen'],
        [7, 'deployments.repositories[0]'],
        [8, 'deployments.retries'],
      ],
    );
    const fields = problems.map((p) => p.field);
    assert.ok(fields.includes('deployments.while-frozen'), JSON.stringify(problems));
    assert.ok(fields.includes('deployments.repositories[0]'), JSON.stringify(problems));
    assert.ok(fields.includes('deployments.retries'), JSON.stringify(problems));
    assert.match(problems.find((p) => p.field === 'deployments.while-frozen')?.message ?? '', /reject .* or hold/);
    const unknown = problemsOf('services:\n  api: { paths: ["api/**"] }\nenvironments:\n  production: [api, web]\n');
    assert.deepEqual(unknown, [
      {
        line: 4,
        field: 'environments.production[1]',
        message: 'unknown service "web"; use one of the services above: api',
      },
    ]);
  });

  it('reads the run from the callback URL, and nothing but requests', () => {
    const payload = {
      action: 'requested',
      environment: 'production',
      deployment_callback_url: 'https://api.github.com/repos/acme/web/actions/runs/1234/deployment_protection_rule',
      repository: { full_name: 'acme/web' },
    };
    assert.deepEqual(parseProtectionRule(payload), {
      repo: { owner: 'acme', name: 'web' },
      environment: 'production',
      runId: 1234,
    });
    assert.equal(parseProtectionRule({ ...payload, action: 'completed' }), undefined);
    assert.equal(parseProtectionRule({ ...payload, deployment_callback_url: 'https://evil.example/x' }), undefined);
  });
});
