import assert from 'node:assert/strict';
import {
  ownersFor,
  parseCodeowners,
  planInvolvement,
  servicesFor,
  involvementText,
} from '../../core/domain/codeowners';
import { parseConfig } from '../../core/domain/config';
import { anEntry } from '../builders/incident';

const CODEOWNERS = [
  '# Global owners',
  '*       @octocat',
  '*.js    @js-owner   # JavaScript',
  '/build/logs/ @doctocat',
  'docs/*  docs@example.com',
  'apps/   @octo-apps',
  '/src/checkout/ @acme/payments @octo-lead',
  '/src/checkout/vendor/',
  '\\#notes.md @hash-owner',
].join('\n');

describe('CODEOWNERS', () => {
  const rules = parseCodeowners(CODEOWNERS);

  it('reads patterns and owners, skipping comments and blank lines', () => {
    assert.deepEqual(
      rules.map((r) => [r.pattern, r.owners, r.line]),
      [
        ['*', ['octocat'], 2],
        ['*.js', ['js-owner'], 3],
        ['/build/logs/', ['doctocat'], 4],
        ['docs/*', ['docs@example.com'], 5],
        ['apps/', ['octo-apps'], 6],
        ['/src/checkout/', ['acme/payments', 'octo-lead'], 7],
        ['/src/checkout/vendor/', [], 8],
        ['\\#notes.md', ['hash-owner'], 9],
      ],
    );
  });

  it('the last matching rule wins, as on GitHub', () => {
    assert.deepEqual(ownersFor(rules, 'README.md').owners, ['octocat']);
    assert.deepEqual(ownersFor(rules, 'web/app.js').owners, ['js-owner']);
    assert.deepEqual(ownersFor(rules, 'src/checkout/pay.js').owners, ['acme/payments', 'octo-lead']);
  });

  it('directories match everything below them; unanchored names match at any depth', () => {
    assert.deepEqual(ownersFor(rules, 'build/logs/2026/today.log').owners, ['doctocat']);
    assert.deepEqual(
      ownersFor(rules, 'nested/build/logs/x.log').owners,
      ['octocat'],
      '/build/logs/ is anchored to the root',
    );
    assert.deepEqual(ownersFor(rules, 'services/apps/api/main.go').owners, ['octo-apps']);
  });

  it('a single star does not cross directories; a rule without owners leaves the path unowned', () => {
    assert.deepEqual(ownersFor(rules, 'docs/guide.md').owners, ['docs@example.com']);
    assert.deepEqual(ownersFor(rules, 'docs/deep/guide.md').owners, ['octocat']);
    assert.deepEqual(ownersFor(rules, 'src/checkout/vendor/lib.ts').owners, []);
    assert.deepEqual(ownersFor(rules, '#notes.md').owners, ['hash-owner']);
  });

  it('services in incidents.yml add their owners for the paths they cover', () => {
    const config = parseConfig(
      'services:\n  checkout:\n    paths: ["src/checkout/**"]\n    owners: ["@acme/payments", octo-comms]\n',
    );
    assert.deepEqual(servicesFor(config, 'src/checkout/pay.ts'), [
      { name: 'checkout', owners: ['acme/payments', 'octo-comms'] },
    ]);
    assert.deepEqual(servicesFor(config, 'src/search/index.ts'), []);
  });

  it('asks people once: role holders, the actor and people mentioned before are already involved', () => {
    const incident = { roles: { lead: 'alice' }, timeline: [anEntry({ text: 'Asked the owners to join: @bob.' })] };
    const plan = planInvolvement(
      ['alice', 'bob', 'carol', 'Carol', 'acme/payments', 'ops@example.com', 'me'],
      incident,
      'me',
    );
    assert.deepEqual(plan, {
      people: ['carol'],
      teams: ['acme/payments'],
      alreadyInvolved: ['alice', 'bob', 'me'],
      unreachable: ['ops@example.com'],
    });
  });

  it('a mention of a longer login does not count as a mention of a shorter one', () => {
    const incident = { roles: {}, timeline: [anEntry({ text: 'cc @bobby and bob@example.com' })] };
    assert.deepEqual(planInvolvement(['bob'], incident).people, ['bob']);
  });

  it('the entry mentions each person once and names teams without notifying them', () => {
    assert.equal(
      involvementText('src/checkout/pay.ts', ['carol', 'dave'], ['acme/payments']),
      'Asked the owners of `src/checkout/pay.ts` to join: @carol @dave.\n\nAlso owned by acme/payments (teams are not notified from here; reach them directly).',
    );
  });
});
