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

  it('bounds update cadences to 30 days, so a typo cannot pass and overflow the reminders later', () => {
    const [problem] = problemsOf('severities:\n  - name: critical\n    update-every: 99999999999h\n');
    assert.deepEqual({ line: problem?.line, field: problem?.field }, { line: 3, field: 'severities[0].update-every' });
    assert.match(problem?.message ?? '', /from 1m to 30d/);
    assert.equal(parseDuration('30d'), 43_200);
    assert.equal(parseDuration('30d1m'), undefined);
  });

  it('rejects severities and roles that differ only in case (labels are case-insensitive), naming the line', () => {
    const [severity] = problemsOf('severities:\n  - name: critical\n  - name: Critical\n');
    assert.deepEqual({ line: severity?.line, field: severity?.field }, { line: 3, field: 'severities[1].name' });
    assert.match(severity?.message ?? '', /"Critical" is listed twice/);
    const [role] = problemsOf('roles:\n  - name: comms\n  - name: scribe\n  - name: comms\n');
    assert.deepEqual({ line: role?.line, field: role?.field }, { line: 4, field: 'roles[2].name' });
    assert.match(problemsOf('roles:\n  - name: Lead\n')[0]?.message ?? '', /built-in role "lead"/);
  });

  it('rejects equal label prefixes, naming the field and line', () => {
    const [problem] = problemsOf('labels:\n  severity-prefix: "x:"\n  role-prefix: "X:"\n');
    assert.deepEqual({ line: problem?.line, field: problem?.field }, { line: 3, field: 'labels.role-prefix' });
    assert.match(problem?.message ?? '', /labels.role-prefix and labels.severity-prefix are both/);
    assert.match(problemsOf('labels:\n  status-prefix: "severity:"\n')[0]?.message ?? '', /both "severity:"/);
  });

  it('validates repository names by GitHub rules: no ../.., no leading hyphen, no path', () => {
    for (const bad of ['../..', 'acme/..', '-acme/x', 'acme/x/y', 'ac--me/x', 'acme/', 'a'.repeat(40) + '/x']) {
      assert.match(problemsOf(`repository: "${bad}"`)[0]?.message ?? '', /owner\/name/, bad);
    }
    assert.deepEqual(parseConfig('repository: my-org/.github').repository, { owner: 'my-org', name: '.github' });
  });

  it('refuses a private repository equal to the incident repository', () => {
    const [problem] = problemsOf('repository: acme/incidents\nprivate-repository: ACME/Incidents\n');
    assert.deepEqual({ line: problem?.line, field: problem?.field }, { line: 2, field: 'private-repository' });
    assert.match(problem?.message ?? '', /same as repository/);
  });

  it('refuses a config larger than 256 KB before parsing it, quickly', () => {
    const huge = `roles:\n${'  - name: r\n    description: a long description of the role\n'.repeat(120_000)}`;
    const started = Date.now();
    const [problem] = problemsOf(huge);
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    assert.match(problem?.message ?? '', /the file is \d\.\d MB; an incident config is at most 256 KB/);
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
