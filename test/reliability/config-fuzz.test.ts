// `.github/incidents.yml` written by people in a hurry: random text, random YAML values, and the documented example
// mangled line by line. Every input gives either a valid config or a ConfigError whose problems name the file, a
// line inside it and the field (syntax errors have no field); never any other exception.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseConfig, type FirebreakConfig } from '../../core/domain/config';
import { ConfigError } from '../../core/domain/errors';
import { SEED, SIZE } from './support';
import { record } from './table';

const FILE = '.github/incidents.yml';

/** The README's example, the starting point of every mutation. */
const EXAMPLE = [
  'repository: acme/incidents                 # where incidents live',
  'private-repository: acme/incidents-private',
  'severities:',
  '  - name: critical',
  '    description: Outage, data loss or security breach.',
  '    color: b60205',
  '    freeze: true',
  '    update-every: 30m',
  '  - name: major',
  '    freeze: true',
  '    update-every: 1h',
  '  - name: minor',
  '    freeze: false',
  '    update-every: 4h',
  'roles:',
  '  - name: comms',
  '  - name: scribe',
  '  - name: sme',
  '    description: Subject-matter expert',
  'services:',
  '  checkout:',
  '    paths: ["src/checkout/**"]',
  '    owners: ["@acme/payments"]',
  'labels:',
  '  severity-prefix: "severity:"',
  'templates: .github/firebreak',
];

const YAML_CHARS = [
  ...':-[]{}#&*!|>\'"%@`,?~=<\\ \t\n\n\n  ',
  ...'abcxyz019',
  'name',
  'roles',
  'severities',
  '- name: ',
  'update-every: ',
  '&a ',
  '*a',
  '<<: ',
  '!!str ',
  '---',
  '...',
  '\r\n',
  '\u00e9',
  '\u202e',
  '\u0000',
];

const junkValue = fc.oneof(
  fc.constantFrom(
    '30m',
    '1h30m',
    '0m',
    '2d',
    'soon',
    '',
    '~',
    'null',
    'true',
    'yes',
    '#ff0000',
    'b60205',
    'zzzzzz',
    'acme/x',
    'not a repo',
    '@acme/team',
    '[a, b]',
    '{a: 1}',
    '*a',
    '&a x',
    '|',
    '>-',
    "'unterminated",
    '"\\x"',
    '1e999',
    '-1',
    '0x1F',
    '!!binary aGk=',
    '2024-02-30',
  ),
  fc.string({ maxLength: 12 }),
  fc.integer().map(String),
);

/** The example with a few line-level edits: deleted, duplicated, swapped, re-indented, replaced, junk added. */
const mutatedExample = fc
  .array(
    fc.record({
      op: fc.constantFrom(
        'delete',
        'duplicate',
        'swap',
        'indent',
        'dedent',
        'value',
        'insert',
        'truncate',
        'tab',
        'anchor',
      ),
      at: fc.nat(),
      junk: junkValue,
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((edits) => {
    const lines = [...EXAMPLE];
    for (const { op, at, junk } of edits) {
      const i = lines.length === 0 ? 0 : at % lines.length;
      const line = lines[i] ?? '';
      switch (op) {
        case 'delete':
          lines.splice(i, 1);
          break;
        case 'duplicate':
          lines.splice(i, 0, line);
          break;
        case 'swap':
          if (i + 1 < lines.length) lines.splice(i, 2, lines[i + 1] ?? '', line);
          break;
        case 'indent':
          lines[i] = `  ${line}`;
          break;
        case 'dedent':
          lines[i] = line.replace(/^ {1,2}/, '');
          break;
        case 'value':
          lines[i] = line.includes(':') ? `${line.slice(0, line.indexOf(':') + 1)} ${junk}` : `${line} ${junk}`;
          break;
        case 'insert':
          lines.splice(i, 0, `${' '.repeat((at % 3) * 2)}${junk}: ${junk}`);
          break;
        case 'truncate':
          lines.splice(i + 1);
          lines[i] = line.slice(0, at % (line.length + 1));
          break;
        case 'tab':
          lines[i] = line.replace(/^ +/, '\t');
          break;
        case 'anchor':
          lines[i] = line.includes(': ') ? line.replace(': ', `: ${at % 2 ? '&a ' : '*a'}`) : line;
          break;
      }
    }
    return lines.join('\n');
  });

/** Values of the right shape with wrong contents, and wrong shapes, serialized as YAML. */
const configLike = fc
  .record(
    {
      repository: junkValue,
      'private-repository': junkValue,
      severities: fc.oneof(
        fc.array(
          fc.record(
            {
              name: fc.oneof(fc.constantFrom('critical', 'SEV1', 'triage', 'a b', '-x', ''), fc.anything()),
              'update-every': junkValue,
              color: junkValue,
              freeze: fc.oneof(fc.boolean(), fc.anything()),
              description: fc.anything(),
              extra: fc.anything(),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 10 },
        ),
        fc.anything(),
      ),
      roles: fc.oneof(
        fc.array(
          fc.record(
            { name: fc.oneof(fc.constantFrom('lead', 'comms', 'comms'), fc.anything()), description: fc.anything() },
            { requiredKeys: [] },
          ),
        ),
        fc.anything(),
      ),
      services: fc.oneof(
        fc.dictionary(
          fc.string({ maxLength: 8 }),
          fc.record({ paths: fc.anything(), owners: fc.anything() }, { requiredKeys: [] }),
        ),
        fc.anything(),
      ),
      labels: fc.oneof(
        fc.dictionary(fc.constantFrom('incident', 'severity-prefix', 'drill', 'follow-up', 'nope'), fc.anything()),
        fc.anything(),
      ),
      templates: fc.anything(),
      unknown: fc.anything(),
    },
    { requiredKeys: [] },
  )
  .map((value) => yamlOf(value));

/** YAML for any value (`stringify` gives undefined for undefined and for functions). */
function yamlOf(value: unknown): string {
  return (stringify(value) as string | undefined) ?? '';
}

export const yamlText = fc.oneof(
  { weight: 4, arbitrary: mutatedExample },
  { weight: 3, arbitrary: configLike },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...YAML_CHARS), maxLength: 200 }) },
  { weight: 1, arbitrary: fc.anything().map(yamlOf) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) },
);

function checkValid(config: FirebreakConfig): void {
  assert.ok(config.severities.length > 0, 'severities');
  assert.ok(
    config.severities.some((s) => s.name === 'triage'),
    'triage is always there',
  );
  assert.equal(config.roles[0]?.name, 'lead', 'lead comes first');
  for (const s of config.severities) assert.match(s.color, /^[0-9a-f]{6}$/);
}

/** The property: a config, or a ConfigError naming file, line (inside the file), column and field. */
export function checkParse(text: string): 'valid' | 'rejected' {
  let config: FirebreakConfig;
  try {
    config = parseConfig(text, FILE);
  } catch (error) {
    assert.ok(
      error instanceof ConfigError,
      `not a ConfigError: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    assert.ok(error.problems.length > 0, 'a ConfigError lists its problems');
    const lines = text.split(/\r\n|\r|\n/);
    const lineCount = lines.length;
    for (const p of error.problems) {
      assert.equal(p.file, FILE);
      assert.ok(
        Number.isInteger(p.line) && p.line >= 1 && p.line <= lineCount,
        `line ${p.line} is inside the file (${lineCount} lines)`,
      );
      assert.ok(Number.isInteger(p.column) && p.column >= 1, `column ${p.column}`);
      assert.ok(p.message.trim().length > 0, 'says what is wrong');
      // Syntax errors and a non-mapping file have no field; an empty key is named in the message (`unknown key ""`).
      const structural = /^invalid YAML: |^the file must be a mapping|^the file is .* at most|^unknown key ""/.test(
        p.message,
      );
      assert.ok(p.field !== '' || structural, `names the field: ${JSON.stringify(p)}`);
      assert.ok(error.message.includes(`${FILE}:${p.line}:${p.column}: `), 'the message leads with file:line:column');
      // An unknown key is reported on the line that has it (when the key was written plainly, not through an alias).
      const unknown = /^unknown key "([\w-]+)"/.exec(p.message)?.[1];
      if (unknown && !/[*!]|<</.test(text) && text.includes(`${unknown}:`)) {
        assert.ok(
          lines[p.line - 1]?.includes(unknown),
          `"${unknown}" is on line ${p.line}: ${JSON.stringify(lines[p.line - 1])}`,
        );
      }
    }
    return 'rejected';
  }
  checkValid(config);
  return 'valid';
}

describe('reliability: .github/incidents.yml fuzzing', function () {
  this.timeout(10 * 60_000);

  it(`${SIZE.cases} random and mutated configs: a valid config or a ConfigError naming file, line and field`, () => {
    const started = Date.now();
    const seen = { valid: 0, rejected: 0 };
    let failure: string | undefined;
    try {
      fc.assert(
        fc.property(yamlText, (text) => {
          seen[checkParse(text)]++;
        }),
        { numRuns: SIZE.cases, seed: SEED, includeErrorInReport: true },
      );
    } catch (error) {
      failure = (error as Error).message;
    }
    record({
      scenario: 'P1. config YAML (random + mutated)',
      size: `${SIZE.cases} cases`,
      lost: 0,
      duplicated: 0,
      crashes: failure ? 1 : 0,
      leaked: 0,
      seconds: (Date.now() - started) / 1000,
      note: `${seen.valid} valid, ${seen.rejected} rejected with file:line: field`,
    });
    assert.equal(failure, undefined, failure);
  });

  // Configs that parsed before and broke later (or took a minute to parse): each is a ConfigError naming its field.
  it('out-of-range cadences, names equal but for case, equal label prefixes, ../.. repositories, 5.5 MB files', () => {
    const started = Date.now();
    const cases: [string, string, RegExp][] = [
      ['severities:\n  - name: critical\n    update-every: 99999999999h\n', 'severities[0].update-every', /30d/],
      ['severities:\n  - name: critical\n  - name: Critical\n', 'severities[1].name', /listed twice/],
      ['roles:\n  - name: comms\n  - name: COMMS\n', 'roles[1].name', /listed twice/],
      ['labels:\n  role-prefix: "severity:"\n', 'labels.role-prefix', /both "severity:"/],
      ['repository: ../..\n', 'repository', /owner\/name/],
      ['repository: acme/..\n', 'repository', /owner\/name/],
      ['repository: a/b\nprivate-repository: A/B\n', 'private-repository', /same as repository/],
      [`roles:\n${'  - name: r\n'.repeat(500_000)}`, '', /at most 256 KB/],
    ];
    let slowest = 0;
    for (const [text, field, message] of cases) {
      const one = Date.now();
      assert.equal(checkParse(text), 'rejected', text.slice(0, 80));
      let problems: readonly { field: string; message: string }[] = [];
      try {
        parseConfig(text, FILE);
      } catch (error) {
        problems = (error as ConfigError).problems;
      }
      assert.ok(
        problems.some((p) => p.field === field && message.test(p.message)),
        `${text.slice(0, 60)}: ${JSON.stringify(problems)}`,
      );
      slowest = Math.max(slowest, Date.now() - one);
    }
    assert.ok(slowest < 1000, `the slowest took ${slowest} ms`);
    record({
      scenario: 'P1. config values that passed and broke later',
      size: `${cases.length} cases`,
      lost: 0,
      duplicated: 0,
      crashes: 0,
      leaked: 0,
      seconds: (Date.now() - started) / 1000,
      note: `all rejected with their field; slowest ${slowest} ms (a 5.5 MB file is refused before parsing)`,
    });
  });

  // Inputs the generators reach only rarely, kept as examples.
  for (const [name, text] of [
    [
      'an alias bomb',
      'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nroles: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
    ],
    ['an alias to an anchor that does not exist', 'severities:\n  - name: critical\nroles: *nope\n'],
    ['a merge key', 'base: &base {name: comms}\nroles:\n  - <<: *base\n'],
    ['deep nesting', `roles: ${'['.repeat(3000)}${']'.repeat(3000)}`],
    ['two documents', 'repository: a/b\n---\nrepository: c/d\n'],
    ['tabs for indentation', 'roles:\n\t- name: comms\n'],
    ['a __proto__ key', '__proto__: {repository: evil/repo}\n'],
    ['a byte order mark and CRLF', '\ufeffrepository: acme/incidents\r\nroles:\r\n  - name: comms\r\n'],
  ] as const) {
    it(`${name}: a valid config or a ConfigError`, () => {
      checkParse(text);
    });
  }
});
