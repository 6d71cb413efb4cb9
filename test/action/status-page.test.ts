import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { main } from '../../cli/main';
import { parseConfig } from '../../core/domain/config';
import { maintenanceFromIssue } from '../../core/domain/status-page';
import type { IssueRecord } from '../../core/domain/records';
import { useSandbox } from '../sandbox/support';
import { world } from '../core/world';
import { buildAction, REPO, ROOT, runAction } from './support';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { PostUpdate } from '../../core/use-cases/post-update';

const CONFIG = 'services:\n  checkout: { paths: ["src/**"], public: true, display-name: Checkout }\n';

describe('action: status-page', function () {
  this.timeout(60_000);
  const sandbox = useSandbox();
  before(buildAction);

  it('writes the site into output-dir, sets the status output and summarises it in the job summary', async () => {
    const w = world(sandbox(), { config: parseConfig(CONFIG) });
    const incident = await new DeclareIncident(w.service()).run({
      title: 'Checkout 500s',
      severity: 'critical',
      services: ['checkout'],
    });
    await new PostUpdate(w.service()).run(incident.number, { text: 'Checkout fails for everyone.', public: true });
    const run = await runAction(sandbox(), {
      inputs: { mode: 'status-page', title: 'Shop Status', 'base-url': 'https://status.shop.test/' },
      eventName: 'schedule',
      files: { '.github/incidents.yml': CONFIG },
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.outputs['status'], 'critical');
    assert.match(run.summary, /## Status page: Major outage/);
    assert.match(run.summary, /\| Checkout \| major_outage \|/);
    const site = join(run.workspace, 'status-page');
    const summary = JSON.parse(readFileSync(join(site, 'api', 'v2', 'summary.json'), 'utf8')) as {
      page: { name: string; url: string };
    };
    assert.deepEqual([summary.page.name, summary.page.url], ['Shop Status', 'https://status.shop.test']);
    assert.match(readFileSync(join(site, 'feed.atom'), 'utf8'), /https:\/\/status\.shop\.test\/incidents\//);
  });

  it('fails with the config field on a bad status-page config, and writes nothing', async () => {
    const run = await runAction(sandbox(), {
      inputs: { mode: 'status-page' },
      eventName: 'schedule',
      files: { '.github/incidents.yml': `${CONFIG}status-page:\n  impact: { sev0: major_outage }\n` },
    });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /\.github\/incidents\.yml:4:13: status-page\.impact\.sev0: "sev0" is not a severity/);
    assert.equal(existsSync(join(run.workspace, 'status-page')), false);
  });

  it('refuses an output-dir outside the workspace', async () => {
    const run = await runAction(sandbox(), { inputs: { mode: 'status-page', 'output-dir': '../site' } });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /Input output-dir must be a directory inside the workspace/);
  });
});

describe('firebreak status-page and maintenance', function () {
  this.timeout(60_000);
  const sandbox = useSandbox();

  function checkout(): string {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-site-'));
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    execFileSync('git', ['remote', 'add', 'origin', `https://github.com/${REPO}.git`], { cwd: dir });
    mkdirSync(join(dir, '.github'));
    writeFileSync(join(dir, '.github', 'incidents.yml'), CONFIG);
    return dir;
  }

  async function cli(args: string[], cwd: string) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      args,
      {
        GITHUB_API_URL: sandbox().url,
        GITHUB_TOKEN: 'sandbox-token',
        FIREBREAK_CACHE_DIR: mkdtempSync(join(tmpdir(), 'fb-cache-')),
      },
      { out: (t) => out.push(t), err: (t) => err.push(t) },
      cwd,
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('schedules maintenance and builds the site with it, from a terminal', async () => {
    const dir = checkout();
    const start = new Date(Date.now() - 10 * 60_000).toISOString();
    const end = new Date(Date.now() + 60 * 60_000).toISOString();
    const scheduled = await cli(
      ['maintenance', '--title', 'Payment provider switch', '--start', start, '--end', end, '--service', 'checkout'],
      dir,
    );
    assert.equal(scheduled.code, 0, scheduled.err);
    assert.match(scheduled.out, /Scheduled maintenance #\d+/);
    const built = await cli(['status-page', '--out', 'public', '--json'], dir);
    assert.equal(built.code, 0, built.err);
    const result = JSON.parse(built.out) as { status: { indicator: string }; files: string[] };
    assert.equal(result.status.indicator, 'none');
    assert.ok(result.files.includes('api/v2/scheduled-maintenances.json'));
    const components = JSON.parse(readFileSync(join(dir, 'public', 'api', 'v2', 'components.json'), 'utf8')) as {
      components: { name: string; status: string }[];
    };
    assert.deepEqual(components.components, [
      { ...components.components[0], name: 'Checkout', status: 'under_maintenance' },
    ]);
  });

  it('bad input exits 2 and says what to fix', async () => {
    const dir = checkout();
    const missing = await cli(['status-page'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /Missing --out DIR/);
    const service = await cli(
      ['maintenance', '--title', 'x', '--start', '2030-01-01 02:00', '--end', '2030-01-01 03:00', '--service', 'db'],
      dir,
    );
    assert.equal(service.code, 2);
    assert.match(service.err, /Not a public service: db\.\nUse one of: checkout/);
    const backwards = await cli(
      ['maintenance', '--title', 'x', '--start', '2030-01-01 03:00', '--end', '2030-01-01'],
      dir,
    );
    assert.equal(backwards.code, 2);
    assert.match(backwards.err, /The maintenance ends before it starts/);
    const publicDrill = await cli(['declare', '--title', 'Game day', '--drill', '--json'], dir);
    const { number } = JSON.parse(publicDrill.out) as { number: number };
    const refused = await cli(['update', String(number), '--text', 'practice', '--public'], dir);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /is a drill; drills are never published/);
  });

  it('reads a maintenance issue opened with the issue form', () => {
    const form = parse(readFileSync(join(ROOT, '.github/ISSUE_TEMPLATE/maintenance.yml'), 'utf8')) as {
      labels: string[];
      body: { type: string; id?: string; attributes: { label?: string } }[];
    };
    assert.deepEqual(form.labels, ['maintenance']);
    const values: Record<string, string> = {
      start: '2030-01-01 02:00',
      end: '2030-01-01 03:30',
      services: 'checkout, unknown',
      description: 'Card payments pause for a minute.',
    };
    const body = form.body
      .filter((f) => f.type !== 'markdown')
      .map((f) => `### ${f.attributes.label ?? ''}\n\n${values[f.id ?? ''] || '_No response_'}`)
      .join('\n\n');
    const issue: IssueRecord = {
      id: 9,
      number: 3,
      title: 'Maintenance: Payment switch',
      body,
      state: 'open',
      labels: ['maintenance'],
      assignees: [],
      author: 'octo-lead',
      authorAssociation: 'COLLABORATOR',
      createdAt: '2029-12-20T10:00:00Z',
      updatedAt: '2029-12-20T10:00:00Z',
      url: 'https://github.com/acme/shop/issues/3',
      comments: 0,
    };
    const { maintenance } = maintenanceFromIssue(issue, parseConfig(CONFIG), true);
    assert.deepEqual(
      maintenance && [maintenance.start, maintenance.end, maintenance.services, maintenance.description],
      ['2030-01-01T02:00:00.000Z', '2030-01-01T03:30:00.000Z', ['checkout'], 'Card payments pause for a minute.'],
    );
    assert.match(maintenanceFromIssue(issue, parseConfig(CONFIG), false).problem ?? '', /without write access/);
  });
});
