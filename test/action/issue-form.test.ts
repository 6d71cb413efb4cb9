import { trustAll } from '../builders/incident';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { defaultConfig } from '../../core/domain/config';
import { declarationFromIssue } from '../../core/domain/event-log';
import type { IssueRecord } from '../../core/github/issue-gateway';
import { ROOT } from './support';

interface FormField {
  type: string;
  id?: string;
  attributes: { label?: string; options?: string[] };
}

const form = parse(readFileSync(join(ROOT, '.github/ISSUE_TEMPLATE/incident.yml'), 'utf8')) as {
  labels: string[];
  body: FormField[];
};

/** The issue body GitHub writes for a submitted form: `### Label`, a blank line, the value or `_No response_`. */
function submit(values: Record<string, string>): string {
  return form.body
    .filter((f) => f.type !== 'markdown')
    .map((f) => `### ${f.attributes.label ?? ''}\n\n${values[f.id ?? ''] || '_No response_'}`)
    .join('\n\n');
}

function issue(body: string): IssueRecord {
  return {
    id: 1,
    number: 7,
    title: 'Incident: checkout 500s',
    body,
    state: 'open',
    labels: form.labels,
    assignees: [],
    author: 'octo-scribe',
    authorAssociation: 'COLLABORATOR',
    createdAt: '2026-11-23T10:00:00Z',
    updatedAt: '2026-11-23T10:00:00Z',
    url: 'https://github.com/acme/shop/issues/7',
    comments: 0,
  };
}

describe('incident issue form', () => {
  const config = defaultConfig();

  it('labels the issue as an incident and offers exactly the configured severities', () => {
    assert.deepEqual(form.labels, [config.labels.incident]);
    const severity = form.body.find((f) => f.id === 'severity');
    assert.deepEqual([...(severity?.attributes.options ?? [])].sort(), config.severities.map((s) => s.name).sort());
  });

  it('produces an issue the core reads like any other declaration', () => {
    const declaration = declarationFromIssue(
      issue(
        submit({
          severity: 'critical',
          what: 'Checkout returns 500s since 10:20 UTC.',
          services: 'checkout, payments',
          lead: '@octo-lead',
        }),
      ),
      config,
      trustAll,
    );
    assert.equal(declaration.severity, 'critical');
    assert.equal(declaration.description, 'Checkout returns 500s since 10:20 UTC.');
    assert.deepEqual(declaration.services, ['checkout', 'payments']);
    assert.equal(declaration.lead, 'octo-lead');
    assert.equal(declaration.drill, false);
  });

  it('optional fields left empty fall back: no services, the author leads', () => {
    const declaration = declarationFromIssue(
      issue(submit({ severity: 'triage', what: 'Something is odd.' })),
      config,
      trustAll,
    );
    assert.deepEqual(declaration.services, []);
    assert.equal(declaration.lead, 'octo-scribe');
    assert.equal(declaration.severity, 'triage');
  });
});
