import { trustAll } from '../builders/incident';
import assert from 'node:assert/strict';
import { entriesFromComments } from '../../core/domain/event-log';
import { useSandbox } from '../sandbox/support';
import { issueFormBody, world } from '../core/world';
import { buildAction, errorOf, REPO, runAction, TOKEN, warningsOf } from './support';
import { DeclareIncident } from '../../core/use-cases/declare-incident';

const CONFIG = [
  'services:',
  '  checkout:',
  '    paths: ["src/checkout/**"]',
  '  search:',
  '    paths: ["src/search/**"]',
].join('\n');

/** Nothing listens on port 1: GitHub unreachable. */
const UNREACHABLE = 'http://127.0.0.1:1';

describe('action: freeze', function () {
  this.timeout(30_000);
  const sandbox = useSandbox();
  before(buildAction);

  it('passes with frozen=false when no incident freezes, and says so in the job summary', async () => {
    await new DeclareIncident(world(sandbox()).service()).run({ title: 'Slow search', severity: 'minor' });
    const run = await runAction(sandbox(), { inputs: { mode: 'freeze' } });
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.outputs['frozen'], 'false');
    assert.equal(run.outputs['incidents'], '[]');
    assert.match(run.summary, /## ✅ Deploys are not frozen/);
    assert.equal(run.outputs['summary'], run.summary.trimEnd() + '\n');
  });

  it('fails while a critical incident is active, naming it, its lead and how to bypass', async () => {
    const incident = await new DeclareIncident(world(sandbox()).service()).run({
      title: 'Checkout down',
      severity: 'critical',
      lead: 'octo-lead',
    });
    const run = await runAction(sandbox(), {
      inputs: { mode: 'freeze' },
      eventName: 'pull_request',
      event: { pull_request: { number: 9 } },
    });
    assert.equal(run.code, 1);
    assert.match(
      errorOf(run),
      new RegExp(`^Deploys are frozen by #${incident.number} \\(critical, lead @octo-lead\\)`),
    );
    assert.equal(run.outputs['frozen'], 'true');
    const [listed] = JSON.parse(run.outputs['incidents'] ?? '[]') as Record<string, unknown>[];
    assert.deepEqual(Object.keys(listed ?? {}).sort(), ['age', 'lead', 'number', 'severity', 'title', 'url']);
    assert.equal(listed?.['url'], incident.url);
    assert.match(run.summary, /## 🧊 Deploys are frozen/);
    assert.match(run.summary, /\| `critical` \| declared \| @octo-lead \|/);
    assert.match(run.summary, /### How to deploy anyway[\s\S]*bypass: true[\s\S]*bypass-reason:/);
    // The config from the default branch (a pull request cannot carry its own), then one list request decided it,
    // with one permission read: whether the incident's author (@firebreak-dev) may write (incident or request).
    const made = sandbox().requests.filter((r) => r.token === TOKEN);
    assert.deepEqual(
      made.map((r) => `${r.method} ${r.path}`),
      [
        `GET /repos/${REPO}/contents/.github%2Fincidents.yml`,
        `GET /repos/${REPO}/issues`,
        `GET /repos/${REPO}/collaborators/firebreak-dev/permission`,
      ],
    );
  });

  it('a drill never freezes, whatever its severity', async () => {
    await new DeclareIncident(world(sandbox()).service()).run({ title: 'Game day', severity: 'critical', drill: true });
    const run = await runAction(sandbox(), { inputs: { mode: 'freeze' } });
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.outputs['frozen'], 'false');
    assert.match(run.summary, /a drill \(drills never freeze\)/);
  });

  it('scopes the freeze to the deployed service from the config on the default branch', async () => {
    sandbox().store.createIssueDirect(REPO, {
      title: 'Search down',
      body: issueFormBody({ severity: 'critical', what: 'x', services: 'search' }),
      labels: ['incident'],
      author: 'octo-lead',
    });
    sandbox().store.putFileDirect(REPO, '.github/incidents.yml', CONFIG);
    const files = {};
    const [checkout, search, unknown] = await Promise.all(
      ['checkout', 'src/search/index.ts', 'billing'].map((service) =>
        runAction(sandbox(), { inputs: { mode: 'freeze', service }, files }),
      ),
    );
    assert.equal(checkout?.code, 0, checkout?.stdout);
    assert.match(checkout?.summary ?? '', /Deploys are not frozen for `checkout`/);
    assert.match(checkout?.summary ?? '', /affects other services only/);
    assert.equal(search?.code, 1);
    assert.equal(search?.outputs['frozen'], 'true');
    assert.ok(unknown);
    assert.equal(unknown.code, 1);
    assert.match(
      errorOf(unknown),
      /"billing" is neither a configured service nor a path of one\.\nUse one of: checkout, search/,
    );
  });

  describe('a change that edits the freeze config', () => {
    const OFF = ['severities:', ...['critical', 'major', 'minor'].map((s) => `  - name: ${s}\n    freeze: false`)].join(
      '\n',
    );
    const ON = 'severities:\n  - name: critical\n    freeze: true\n';
    const pullRequest = { pull_request: { number: 9 }, repository: { default_branch: 'main' } };

    it('cannot switch its own freeze off: the config comes from the default branch, and the edit is reported', async () => {
      const incident = await new DeclareIncident(world(sandbox()).service()).run({
        title: 'Checkout down',
        severity: 'critical',
      });
      const run = await runAction(sandbox(), {
        inputs: { mode: 'freeze' },
        eventName: 'pull_request',
        event: pullRequest,
        files: { '.github/incidents.yml': `${OFF}\nrepository: acme/empty\n` },
      });
      assert.equal(run.code, 1, run.stdout);
      assert.match(errorOf(run), new RegExp(`^Deploys are frozen by #${incident.number} \\(critical`));
      assert.match(
        warningsOf(run).join('\n'),
        /This change edits \.github\/incidents\.yml: the freeze uses the defaults \(the file is not on the default branch\), not the checkout\./,
      );
      assert.match(run.summary, /> ⚠️ This change edits \.github\/incidents\.yml/);
    });

    it('reads the default branch’s config for pull requests, and the commit before a push to the default branch', async () => {
      await new DeclareIncident(world(sandbox()).service()).run({ title: 'Checkout down', severity: 'critical' });
      const before = 'a'.repeat(40);
      sandbox().store.putFileDirect(REPO, '.github/incidents.yml', OFF);
      sandbox().store.putFileDirect(REPO, '.github/incidents.yml', ON, before);
      const files = { '.github/incidents.yml': ON };
      const pr = await runAction(sandbox(), {
        inputs: { mode: 'freeze' },
        eventName: 'pull_request',
        event: pullRequest,
        files,
      });
      assert.equal(pr.code, 0, pr.stdout);
      assert.match(
        warningsOf(pr).join('\n'),
        /the freeze uses \.github\/incidents\.yml of acme\/shop@main, not the checkout/,
      );
      // The push that merged a config switching the freeze off is gated by the config before it.
      const push = await runAction(sandbox(), {
        inputs: { mode: 'freeze' },
        eventName: 'push',
        event: { before, after: 'b'.repeat(40), repository: { default_branch: 'main' } },
        files: { '.github/incidents.yml': OFF },
      });
      assert.equal(push.code, 1, push.stdout);
      assert.equal(push.outputs['frozen'], 'true');
      assert.ok(
        sandbox().requests.some(
          (r) => r.path.endsWith('/contents/.github%2Fincidents.yml') && r.query.includes(`ref=${before}`),
        ),
      );
      // A manual run gates no change: it reads the checkout, as before.
      const manual = await runAction(sandbox(), {
        inputs: { mode: 'freeze' },
        eventName: 'workflow_dispatch',
        files: { '.github/incidents.yml': OFF },
      });
      assert.equal(manual.code, 0, manual.stdout);
    });
  });

  it('reads the incidents of the repository the default branch’s config names', async () => {
    const incident = await new DeclareIncident(world(sandbox(), { repo: 'acme/incidents' }).service()).run({
      title: 'Checkout down',
      severity: 'critical',
    });
    sandbox().store.putFileDirect(REPO, '.github/incidents.yml', 'repository: acme/incidents\n');
    const run = await runAction(sandbox(), {
      inputs: { mode: 'freeze' },
      eventName: 'pull_request',
      event: { pull_request: { number: 9 }, repository: { default_branch: 'main' } },
    });
    assert.equal(run.code, 1, run.stdout);
    assert.match(errorOf(run), new RegExp(`^Deploys are frozen by #${incident.number} \\(critical`));
    assert.match(
      run.stdout,
      /Firebreak freeze for acme\/incidents \(config: \.github\/incidents\.yml of acme\/shop@main\)/,
    );
  });

  it('with fail-on-freeze false it only reports the freeze', async () => {
    await new DeclareIncident(world(sandbox()).service()).run({ title: 'Checkout down', severity: 'major' });
    const run = await runAction(sandbox(), { inputs: { mode: 'freeze', 'fail-on-freeze': 'false' } });
    assert.equal(run.code, 0);
    assert.equal(run.outputs['frozen'], 'true');
    assert.match(warningsOf(run).join('\n'), /fail-on-freeze is false/);
  });

  it('a bypass passes the step and is recorded on every freezing incident with actor, run URL and reason', async () => {
    const service = world(sandbox()).service();
    const a = await new DeclareIncident(service).run({ title: 'Checkout down', severity: 'critical' });
    const b = await new DeclareIncident(service).run({ title: 'Payments slow', severity: 'major' });
    const minor = await new DeclareIncident(service).run({ title: 'Typo', severity: 'minor' });
    const run = await runAction(sandbox(), {
      inputs: { mode: 'freeze', bypass: 'true', 'bypass-reason': 'Hotfix for the checkout outage' },
      eventName: 'workflow_dispatch',
    });
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.outputs['frozen'], 'true');
    assert.equal(run.outputs['bypassed'], 'true');
    assert.match(run.summary, /## ⛔ Deploy freeze bypassed/);
    assert.match(run.summary, /@octo-lead deployed during a freeze\. Reason: Hotfix for the checkout outage/);
    const gateway = world(sandbox()).gateway;
    for (const incident of [a, b]) {
      const [entry, ...rest] = entriesFromComments(await gateway.listComments(incident.number), trustAll);
      assert.deepEqual(rest, []);
      assert.equal(entry?.kind, 'bypass');
      if (entry?.kind !== 'bypass') continue;
      assert.equal(entry.actor, 'octo-lead');
      assert.equal(entry.by, 'github-actions[bot]');
      assert.equal(entry.reason, 'Hotfix for the checkout outage');
      assert.equal(entry.runUrl, `${sandbox().webUrl}/${REPO}/actions/runs/4242/attempts/1`);
      assert.equal(entry.sha, 'ffac537e6cbbf934b08745a378932722df287a53');
    }
    assert.equal((await gateway.listComments(minor.number)).length, 0);
  });

  it('a bypass without a reason is refused before anything is read', async () => {
    const run = await runAction(sandbox(), { inputs: { mode: 'freeze', bypass: 'true' } });
    assert.equal(run.code, 1);
    assert.match(errorOf(run), /^Input bypass is true but bypass-reason is empty\./);
    assert.equal(sandbox().requests.length, 0);
  });

  it('fails closed when GitHub cannot be read (on-api-error: fail)', async () => {
    // A refused connection fails at once; a dropped one waits for the request timeout (test/reliability covers it).
    const run = await runAction(sandbox(), {
      inputs: { mode: 'freeze', 'api-retries': '1' },
      env: { GITHUB_API_URL: UNREACHABLE },
    });
    assert.equal(run.code, 1);
    assert.match(
      errorOf(run),
      /^Could not check the deploy freeze, so the deploy stops \(on-api-error: fail\)\. Could not read acme\/shop:\.github\/incidents\.yml: GitHub is not answering/,
    );
    assert.equal(run.outputs['frozen'], 'true');
    assert.match(run.summary, /Freeze not checked: deploy stopped/);
  });

  it('fails open with a warning when GitHub cannot be read (on-api-error: allow)', async () => {
    const run = await runAction(sandbox(), {
      inputs: { mode: 'freeze', 'on-api-error': 'allow', 'api-retries': '0' },
      env: { GITHUB_API_URL: UNREACHABLE },
    });
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.outputs['frozen'], 'false');
    assert.match(
      warningsOf(run).join('\n'),
      /Could not check the deploy freeze; allowing the deploy \(on-api-error: allow\)/,
    );
    assert.match(run.summary, /Freeze not checked: deploy allowed/);
  });

  it('a token GitHub rejects is an API error too, and is never printed', async () => {
    const secret = 'ghp_thisIsNotARealTokenButLooksLikeOne0000';
    const run = await runAction(sandbox(), {
      inputs: { mode: 'freeze', 'github-token': secret, 'api-retries': '0' },
      secrets: [secret],
    });
    assert.equal(run.code, 1);
    assert.match(errorOf(run), /GitHub did not accept the token \(401/);
    assert.ok(run.stdout.includes(`::add-mask::${secret}`), 'the token is masked for the runner');
  });

  it('says which input is wrong and what to write instead', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ mode: '' }, /^Input mode must be one of freeze, follow-ups, status, review, status-page, alert\./],
      [{ mode: 'freeze', 'on-api-error': 'ignore' }, /^Input on-api-error must be fail or allow, not "ignore"\./],
      [{ mode: 'freeze', 'fail-on-freeze': 'yes' }, /^Input fail-on-freeze must be true or false, not "yes"\./],
      [
        { mode: 'freeze', 'freeze-severities': 'sev1' },
        /^Unknown freeze severity "sev1"\.\nUse a comma list of: critical, major, minor, triage/,
      ],
      [{ mode: 'freeze', repository: 'not a repo' }, /^Input repository "not a repo" is not owner\/name\./],
      [
        { mode: 'freeze', 'config-path': 'missing.yml' },
        /^The config file missing\.yml \(input config-path\) does not exist in the checkout\./,
      ],
    ];
    const runs = await Promise.all(
      cases.map(([inputs]) => runAction(sandbox(), { inputs, eventName: 'workflow_dispatch' })),
    );
    runs.forEach((run, i) => {
      assert.equal(run.code, 1, JSON.stringify(cases[i]?.[0]));
      assert.match(errorOf(run), cases[i]?.[1] ?? /./);
    });
  });
});
