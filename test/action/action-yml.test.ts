import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './support';

interface ActionMetadata {
  name: string;
  description: string;
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const metadata = parse(readFileSync(join(ROOT, 'action/action.yml'), 'utf8')) as ActionMetadata;

describe('action.yml', () => {
  it('runs the committed bundle on node24, with branding', () => {
    assert.deepEqual(metadata.runs, { using: 'node24', main: 'dist/index.js' });
    assert.ok(metadata.branding.icon && metadata.branding.color);
  });

  it('declares the public contract: every input and output, each described', () => {
    assert.deepEqual(Object.keys(metadata.inputs).sort(), [
      'alert',
      'api-retries',
      'base-url',
      'branches',
      'bypass',
      'bypass-reason',
      'commit-status',
      'config-path',
      'fail-on-freeze',
      'freeze-severities',
      'github-token',
      'incident',
      'include-private',
      'lookback-days',
      'mode',
      'on-api-error',
      'on-private-error',
      'output-dir',
      'remind',
      'repository',
      'service',
      'summary-issue',
      'timeout-seconds',
      'title',
      'webhook-url',
    ]);
    assert.deepEqual(Object.keys(metadata.outputs).sort(), [
      'alert-result',
      'bypassed',
      'created',
      'frozen',
      'incident',
      'incidents',
      'status',
      'summary',
    ]);
    for (const [name, spec] of [...Object.entries(metadata.inputs), ...Object.entries(metadata.outputs)])
      assert.ok(spec.description.length > 20, `${name} needs a description`);
    assert.equal(metadata.inputs['github-token']?.default, '${{ github.token }}');
    assert.equal(metadata.inputs['mode']?.required, true);
    assert.equal(metadata.inputs['fail-on-freeze']?.default, 'true');
    assert.equal(metadata.inputs['on-api-error']?.default, 'fail');
    assert.equal(metadata.inputs['config-path']?.default, '.github/incidents.yml');
  });

  it('inputs.ts reads exactly the inputs action.yml declares', () => {
    const source = readFileSync(join(ROOT, 'action/inputs.ts'), 'utf8');
    const read = new Set(
      [...source.matchAll(/(?:input|booleanInput|boundedNumberInput|issueNumberInput|listInput)\('([a-z-]+)'/g)].map(
        (m) => m[1],
      ),
    );
    assert.deepEqual([...read].sort(), Object.keys(metadata.inputs).sort());
  });
});

describe('generated docs', () => {
  it("action/README.md's Inputs and Outputs tables are generated from action.yml (npm run docs)", () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'docs.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const readme = readFileSync(join(ROOT, 'action', 'README.md'), 'utf8');
    for (const name of [...Object.keys(metadata.inputs), ...Object.keys(metadata.outputs)]) {
      assert.ok(readme.includes(`| \`${name}\` |`), `${name} is in the README's tables`);
    }
  });
});
