import assert from 'node:assert/strict';
import { defaultConfig, parseConfig, parseDuration } from '../../core/domain/config';
import { ConfigError } from '../../core/domain/errors';

function problemsOf(text: string) {
  try {
    parseConfig(text, '.github/incidents.yml');
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the config to be rejected');
}

describe('config', () => {
  it('an empty file gives the defaults: critical, major, minor and triage; lead, comms and scribe', () => {
    const config = parseConfig('', '.github/incidents.yml');
    assert.deepEqual(
      config.severities.map((s) => [s.name, s.freeze, s.updateEveryMinutes]),
      [
        ['critical', true, 30],
        ['major', true, 60],
        ['minor', false, 240],
        ['triage', false, 60],
      ],
    );
    assert.deepEqual(
      config.roles.map((r) => r.name),
      ['lead', 'comms', 'scribe'],
    );
    assert.equal(config.labels.incident, 'incident');
    assert.deepEqual(defaultConfig().severities, config.severities);
  });

  it('reads every documented key', () => {
    const config = parseConfig(
      [
        'repository: acme/incidents',
        'private-repository: acme/incidents-private',
        'severities:',
        '  - name: SEV1',
        '    description: Everything is down',
        '    color: "#FF0000"',
        '    freeze: true',
        '    update-every: 15m',
        '  - name: SEV2',
        '    update-every: 1h30m',
        'roles:',
        '  - name: comms',
        '  - name: sme',
        '    description: Subject-matter expert',
        'services:',
        '  checkout:',
        '    paths: ["src/checkout/**"]',
        '    owners: ["@acme/payments", octocat]',
        'labels:',
        '  severity-prefix: "sev/"',
        'templates: .github/firebreak',
      ].join('\n'),
    );
    assert.deepEqual(config.repository, { owner: 'acme', name: 'incidents' });
    assert.deepEqual(config.privateRepository, { owner: 'acme', name: 'incidents-private' });
    assert.deepEqual(
      config.severities.map((s) => `${s.name}:${s.color}:${s.freeze}:${s.updateEveryMinutes}`),
      ['SEV1:ff0000:true:15', 'SEV2:ededed:false:90', 'triage:c5def5:false:60'],
    );
    assert.deepEqual(
      config.roles.map((r) => r.name),
      ['lead', 'comms', 'sme'],
    );
    assert.deepEqual(config.services, [
      { name: 'checkout', paths: ['src/checkout/**'], owners: ['acme/payments', 'octocat'] },
    ]);
    assert.equal(config.labels.severityPrefix, 'sev/');
    assert.equal(config.labels.statusPrefix, 'status:');
    assert.equal(config.templates, '.github/firebreak');
  });

  it('names the file, line and field of a wrong value and says what is allowed', () => {
    const [problem] = problemsOf('severities:\n  - name: critical\n    update-every: soon\n');
    assert.equal(problem?.file, '.github/incidents.yml');
    assert.equal(problem?.line, 3);
    assert.equal(problem?.field, 'severities[0].update-every');
    assert.match(problem?.message ?? '', /duration like "30m"/);
  });

  it('points at an unknown key and lists the allowed ones', () => {
    const [problem] = problemsOf('repository: acme/x\nseverites: []\n');
    assert.equal(problem?.line, 2);
    assert.equal(problem?.field, 'severites');
    assert.match(
      problem?.message ?? '',
      /unknown key "severites"; allowed here: repository, private-repository, severities/,
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const [problem] = problemsOf('repository: acme/x\nroles:\n  - name: [unclosed\n');
    assert.ok((problem?.line ?? 0) >= 3);
    assert.match(problem?.message ?? '', /invalid YAML/);
  });

  it('rejects a repository that is not owner/name, and duplicate severities', () => {
    assert.match(problemsOf('repository: just-a-name')[0]?.message ?? '', /owner\/name/);
    assert.match(problemsOf('severities:\n  - name: a\n  - name: a\n')[0]?.message ?? '', /listed twice/);
  });

  it('rejects a top level that is not a mapping', () => {
    assert.match(problemsOf('- a\n- b\n')[0]?.message ?? '', /must be a mapping/);
  });

  it('parses durations', () => {
    assert.equal(parseDuration('30m'), 30);
    assert.equal(parseDuration('1h'), 60);
    assert.equal(parseDuration('1d2h'), 1560);
    assert.equal(parseDuration('0m'), undefined);
    assert.equal(parseDuration('soon'), undefined);
    assert.equal(parseDuration(''), undefined);
  });
});
