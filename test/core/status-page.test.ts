import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseConfig, type FirebreakConfig } from '../../core/domain/config';
import { ConfigError, InputError } from '../../core/domain/errors';
import { renderEntryComment } from '../../core/domain/render';
import type { TimelineEntry } from '../../core/domain/incident';
import { publishStatusPage } from '../../core/status-site';
import { scheduleMaintenance } from '../../core/use-cases/status-page';
import { loadWorkspace, nodeWorkspaceFiles } from '../../core/workspace';
import { connect } from '../../core/wiring';
import { ADMIN_TOKEN, countRequests, FAST_CLIENT, REPO, useSandbox, wired, type Wired } from '../support/fixtures';
import { assertGolden } from '../support/golden';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { LogEntry } from '../../core/use-cases/log-entry';
import { PostUpdate } from '../../core/use-cases/post-update';
import { RepairIncident } from '../../core/use-cases/repair-incident';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';

const MINUTE = 60_000;
const START = Date.parse('2026-11-20T09:00:00.000Z');

const CONFIG = `repository: acme/shop
private-repository: acme/secret
severities:
  - { name: critical, freeze: true, update-every: 30m, public-by-default: true }
  - { name: major, freeze: true, update-every: 1h, public-by-default: true }
  - { name: minor, freeze: false, update-every: 4h }
services:
  checkout: { paths: ["src/checkout/**"], public: true, display-name: Checkout }
  api: { paths: ["src/api/**"], public: true, display-name: Public API }
  billing-internals: { paths: ["src/billing/**"] }
status-page:
  title: Acme Status
  color: "#7b2ff7"
`;

/** Every phrase that must never reach a file of the site. */
const SECRETS = {
  issueTitle: 'PRIV-ISSUE-TITLE-QX1',
  description: 'PRIV-DESCRIPTION-QX2',
  action: 'PRIV-ACTION-QX3',
  observation: 'PRIV-OBSERVATION-QX4',
  theory: 'PRIV-THEORY-QX5',
  decision: 'PRIV-DECISION-QX6',
  question: 'PRIV-QUESTION-QX7',
  internalUpdate: 'PRIV-INTERNAL-UPDATE-QX8',
  codePath: 'src/checkout/priv-code-path-qx9.ts',
  snippet: 'PRIV-SNIPPET-QX10',
  unpublished: 'PRIV-UNPUBLISHED-QX11',
  drill: 'PRIV-DRILL-QX12',
  privateIncident: 'PRIV-PRIVATE-REPO-QX13',
  resolveText: 'PRIV-RESOLVE-TEXT-QX14',
  internalService: 'billing-internals',
  leadLogin: 'octo-lead',
  declarer: 'firebreak-dev',
  untrustedMaintenance: 'PRIV-DRIVE-BY-QX15',
} as const;

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? allFiles(full) : [full];
  });
}

describe('status page', () => {
  let clock = START;
  const now = () => new Date(clock);
  const advance = (minutes: number) => {
    clock += minutes * MINUTE;
  };
  const sandbox = useSandbox({
    per: 'test',
    now,
    users: [
      { login: 'firebreak-dev', token: ADMIN_TOKEN, permission: 'admin' },
      { login: 'octo-lead', token: 'sandbox-token-lead', permission: 'write' },
      { login: 'drive-by', token: 'sandbox-token-guest', permission: 'read' },
    ],
  });
  let config: FirebreakConfig;
  let root: string;
  let w: Wired;

  beforeEach(() => {
    clock = START;
    config = parseConfig(CONFIG);
    root = mkdtempSync(join(tmpdir(), 'firebreak-status-page-'));
    w = wired(sandbox(), { config, now });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A public entry written as a comment by hand: what the service refuses to write for drills and private ones. */
  async function forcePublicUpdate(w2: Wired, repo: 'public' | 'private', number: number, text: string) {
    const gateway = repo === 'private' ? w2.privateGateway : w2.gateway;
    assert.ok(gateway);
    const entry: TimelineEntry = {
      kind: 'update',
      key: `forced-${text}`,
      at: now().toISOString(),
      by: '',
      text,
      public: true,
    };
    await gateway.createComment(number, renderEntryComment(entry, w2.renderer), entry.key);
  }

  /** The scenario every test starts from: published, resolved, unpublished, drill and private incidents. */
  async function seed() {
    const service = w.serviceAs({ now, actor: 'firebreak-dev' });
    const lead = w.serviceAs({ now, actor: 'octo-lead' });
    const outage = await new DeclareIncident(service).run({
      title: SECRETS.issueTitle,
      description: SECRETS.description,
      severity: 'major',
      services: ['checkout', SECRETS.internalService],
      lead: 'octo-lead',
      publicTitle: 'Some card payments fail',
    });
    advance(5);
    await new LogEntry(lead).run(outage.number, {
      kind: 'action',
      text: SECRETS.action,
      code: {
        repo: 'acme/shop',
        path: SECRETS.codePath,
        startLine: 1,
        endLine: 2,
        commit: 'ffac537e6cbbf934b08745a378932722df287a53',
        permalink: `https://github.com/acme/shop/blob/ffac537/${SECRETS.codePath}#L1-L2`,
        snippet: SECRETS.snippet,
      },
    });
    await new LogEntry(lead).run(outage.number, { kind: 'observation', text: SECRETS.observation });
    await new LogEntry(lead).run(outage.number, { kind: 'theory', text: SECRETS.theory });
    await new LogEntry(lead).run(outage.number, { kind: 'decision', text: SECRETS.decision });
    await new LogEntry(lead).run(outage.number, { kind: 'question', text: SECRETS.question });
    await new PostUpdate(lead).run(outage.number, { text: SECRETS.internalUpdate, status: 'investigating' });
    advance(5);
    await new PostUpdate(lead).run(outage.number, {
      text: 'We are investigating failed card payments at checkout.',
      public: true,
    });
    advance(20);
    await new PostUpdate(lead).run(outage.number, {
      text: 'We found the cause and are rolling out a fix.\nPayments by card may still fail for some customers.',
      status: 'identified',
      public: true,
    });

    // Resolved yesterday, published, with a private resolution text: the page says it is resolved, nothing more.
    clock = START - 26 * 60 * MINUTE;
    const api = await new DeclareIncident(service).run({
      title: 'API latency',
      severity: 'critical',
      services: ['api'],
    });
    advance(10);
    await new PostUpdate(service).run(api.number, { text: 'API requests are slow; we are on it.', public: true });
    advance(50);
    await new ResolveIncident(service).run(api.number, SECRETS.resolveText);

    clock = START + 40 * MINUTE;
    await new DeclareIncident(service).run({ title: SECRETS.unpublished, severity: 'minor', services: ['api'] });
    const drill = await new DeclareIncident(service).run({
      title: SECRETS.drill,
      severity: 'critical',
      drill: true,
      services: ['api'],
    });
    await assert.rejects(
      new PostUpdate(service).run(drill.number, { text: 'x', public: true }),
      (e: unknown) => e instanceof InputError && /drill/.test(e.message),
    );
    await forcePublicUpdate(w, 'public', drill.number, `${SECRETS.drill} public`);
    await new RepairIncident(service).run(drill.number);
    const secret = await new DeclareIncident(service).run({
      title: SECRETS.privateIncident,
      severity: 'critical',
      private: true,
    });
    await assert.rejects(
      new PostUpdate(service).run(secret, { text: 'x', public: true }),
      (e: unknown) => e instanceof InputError && /private/.test(e.message),
    );
    await forcePublicUpdate(w, 'private', secret.number, `${SECRETS.privateIncident} public`);

    await scheduleMaintenance(
      w,
      {
        title: 'Database upgrade',
        start: '2026-11-20 09:30',
        end: '2026-11-20 11:00',
        services: ['api'],
        description: 'The API may answer slowly for a few minutes.',
      },
      now(),
    );
    await scheduleMaintenance(
      w,
      { title: 'Network work', start: '2026-11-27T22:00:00Z', end: '2026-11-28T02:00:00Z', services: ['checkout'] },
      now(),
    );
    // Opened with the issue form by someone without write access: never shown.
    const guest = connect(
      { config, repository: REPO, apiUrl: sandbox().url },
      { token: 'sandbox-token-guest', ...FAST_CLIENT },
    );
    await guest.gateway.createIssue(
      {
        title: SECRETS.untrustedMaintenance,
        body: '### Start\n\n2026-11-20 09:00\n\n### End\n\n2026-11-20 12:00\n\n### Affected services\n\ncheckout\n',
        labels: ['maintenance'],
      },
      'drive-by',
    );
    clock = START + 45 * MINUTE;
    return { outage, api };
  }

  async function build(out = 'site', connection = w.connection) {
    return publishStatusPage(connection, {
      root,
      outDir: out,
      title: 'Acme Status',
      baseUrl: 'https://status.acme.test',
      now,
    });
  }

  it('publishes only public updates of public incidents, in Statuspage v2 shapes (golden)', async () => {
    await seed();
    const result = await build();
    assert.equal(result.indicator, 'major');
    const files = allFiles(join(root, 'site'))
      .map((f) => relative(join(root, 'site'), f))
      .sort();
    const incidentPages = files.filter((f) => f.startsWith('incidents/'));
    assert.deepEqual(
      files.filter((f) => !f.startsWith('incidents/')),
      [
        'api/v2/components.json',
        'api/v2/incidents.json',
        'api/v2/incidents/unresolved.json',
        'api/v2/scheduled-maintenances.json',
        'api/v2/status.json',
        'api/v2/summary.json',
        'feed.atom',
        'history.html',
        'index.html',
      ],
    );
    // Two published incidents and two maintenance windows, one page each.
    assert.equal(incidentPages.length, 4);
    const read = (path: string) => readFileSync(join(root, 'site', path), 'utf8');
    const summary = JSON.parse(read('api/v2/summary.json')) as {
      status: { indicator: string };
      components: { name: string; status: string }[];
      incidents: {
        name: string;
        status: string;
        impact: string;
        incident_updates: { status: string; body: string }[];
      }[];
      scheduled_maintenances: { name: string; status: string }[];
    };
    assert.deepEqual(
      summary.components.map((c) => [c.name, c.status]),
      [
        ['Checkout', 'partial_outage'],
        ['Public API', 'under_maintenance'],
      ],
    );
    assert.deepEqual(
      summary.incidents.map((i) => [i.name, i.status, i.impact]),
      [['Some card payments fail', 'identified', 'major']],
    );
    assert.deepEqual(
      summary.incidents[0]?.incident_updates.map((u) => u.status),
      ['identified', 'investigating'],
    );
    assert.deepEqual(
      summary.scheduled_maintenances.map((m) => [m.name, m.status]),
      [
        ['Database upgrade', 'in_progress'],
        ['Network work', 'scheduled'],
      ],
    );
    const resolved = (JSON.parse(read('api/v2/incidents.json')) as typeof summary).incidents[1];
    assert.equal(resolved?.status, 'resolved');
    assert.deepEqual(
      resolved?.incident_updates.map((u) => [u.status, u.body]),
      [
        ['resolved', 'This incident has been resolved.'],
        ['investigating', 'API requests are slow; we are on it.'],
      ],
    );
    const api = [
      'summary.json',
      'status.json',
      'components.json',
      'incidents.json',
      'incidents/unresolved.json',
      'scheduled-maintenances.json',
    ]
      .map((f) => `--- api/v2/${f}\n${read(`api/v2/${f}`)}`)
      .join('');
    assertGolden('status-page-api.txt', api);
  });

  it('never writes private incidents, drills, internal entries, non-public updates, logins or code to any file', async () => {
    await seed();
    await build();
    const files = allFiles(join(root, 'site'));
    assert.ok(files.length >= 13);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const [what, phrase] of Object.entries(SECRETS)) {
        assert.ok(
          !text.toLowerCase().includes(phrase.toLowerCase()),
          `${relative(root, file)} contains the ${what} phrase "${phrase}"`,
        );
      }
      assert.doesNotMatch(text, /ffac537|permalink|acme\/secret|acme\/shop/, relative(root, file));
    }
    // The published words are there.
    const index = readFileSync(join(root, 'site', 'index.html'), 'utf8');
    assert.match(index, /We found the cause and are rolling out a fix\./);
    assert.match(index, /Some card payments fail/);
    const feed = readFileSync(join(root, 'site', 'feed.atom'), 'utf8');
    assert.equal(feed.match(/<entry>/g)?.length, 4);
  });

  it('leaves out the characters XML 1.0 forbids, so the feed and pages stay well-formed', async () => {
    const { outage } = await seed();
    const lead = w.serviceAs({ now, actor: 'octo-lead' });
    await new PostUpdate(lead).run(outage.number, {
      text: 'Payments recover\uFFFF slowly\uFFFE; \uD800 see you.',
      public: true,
    });
    await build();
    for (const file of allFiles(join(root, 'site')).filter((f) => /\.(atom|html)$/.test(f))) {
      const text = readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /[\uFFFE\uFFFF\uD800-\uDFFF]/, relative(root, file));
    }
    assert.match(readFileSync(join(root, 'site', 'feed.atom'), 'utf8'), /Payments recover slowly; {2}see you\./);
  });

  it('costs three lists plus the comments of published incidents only', async () => {
    await seed();
    const { requests } = await countRequests(sandbox(), () => build());
    const lists = requests.filter((r) => /\/issues$/.test(r.path));
    const comments = requests.filter((r) => /\/comments$/.test(r.path));
    assert.equal(lists.length, 3, requests.map((r) => `${r.method} ${r.path}?${r.query}`).join('\n'));
    assert.ok(lists.some((r) => r.query.includes('state=closed') && r.query.includes('since=')));
    // The outage and the resolved API incident; the drill's forged publication is never read.
    assert.equal(comments.length, 2);
    assert.equal(requests.length, 5);
  });

  it('shows all systems operational with no published incident, and a fresh site replaces the old one', async () => {
    await build();
    writeFileSync(join(root, 'site', 'stale.html'), 'old');
    const result = await build();
    assert.equal(result.indicator, 'none');
    assert.equal(existsSync(join(root, 'site', 'stale.html')), false);
    assert.match(readFileSync(join(root, 'site', 'index.html'), 'utf8'), /All systems operational/);
    assert.equal(readdirSync(root).length, 1, 'no temporary directory left behind');
  });

  it('a template that does not compile fails with its file and line, and leaves the previous site as it was', async () => {
    await build();
    const before = readFileSync(join(root, 'site', 'index.html'), 'utf8');
    mkdirSync(join(root, '.github', 'firebreak', 'status-page'), { recursive: true });
    writeFileSync(join(root, '.github', 'incidents.yml'), `${CONFIG}templates: .github/firebreak\n`);
    writeFileSync(
      join(root, '.github', 'firebreak', 'status-page', 'index.hbs'),
      '<h1>ok</h1>\n{{#each x}}\nnever closed\n',
    );
    const workspace = await loadWorkspace({
      files: nodeWorkspaceFiles(root),
      env: {},
      apiUrl: sandbox().url,
      names: { configPath: '--config', repository: '--repo', apiUrl: '--api-url' },
    });
    assert.ok(workspace.templates['status-page/index']);
    const connection = connect(workspace, { token: ADMIN_TOKEN, ...FAST_CLIENT });
    await assert.rejects(build('site', connection), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /\.github\/firebreak\/status-page\/index\.hbs:\d+:1: .*does not compile/);
      return true;
    });
    assert.equal(readFileSync(join(root, 'site', 'index.html'), 'utf8'), before);
    // An override that compiles is used.
    writeFileSync(
      join(root, '.github', 'firebreak', 'status-page', 'index.hbs'),
      '<p>{{status.description}} (custom)</p>',
    );
    const fixed = await loadWorkspace({
      files: nodeWorkspaceFiles(root),
      env: {},
      apiUrl: sandbox().url,
      names: { configPath: '--config', repository: '--repo', apiUrl: '--api-url' },
    });
    await build('site', connect(fixed, { token: ADMIN_TOKEN, ...FAST_CLIENT }));
    assert.equal(readFileSync(join(root, 'site', 'index.html'), 'utf8'), '<p>All systems operational (custom)</p>');
  });

  it('copies the logo from the repository, and names the field when it is missing', async () => {
    const withLogo = parseConfig(`${CONFIG}  logo: .github/status/logo.svg\n`);
    const connection = wired(sandbox(), { config: withLogo, now }).connection;
    await assert.rejects(build('site', connection), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /status-page\.logo: logo ".github\/status\/logo.svg" does not exist/);
      return true;
    });
    mkdirSync(join(root, '.github', 'status'), { recursive: true });
    writeFileSync(join(root, '.github', 'status', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await build('site', connection);
    assert.ok(existsSync(join(root, 'site', 'logo.svg')));
    assert.match(readFileSync(join(root, 'site', 'index.html'), 'utf8'), /<img src="logo\.svg" alt=""/);
  });
});

describe('status page config', () => {
  const problem = (text: string) => {
    try {
      parseConfig(text, '.github/incidents.yml');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.message;
    }
    return assert.fail('expected a ConfigError');
  };

  it('rejects unknown status-page keys with the file, line and field', () => {
    assert.match(
      problem('status-page:\n  title: Acme\n  colour: "#ffffff"\n'),
      /\.github\/incidents\.yml:3:3: status-page\.colour: unknown key "colour"; allowed here: title, logo, color, impact/,
    );
  });

  it('rejects an impact mapping that names no severity', () => {
    assert.match(
      problem('status-page:\n  impact:\n    sev1: major_outage\n'),
      /\.github\/incidents\.yml:3:5: status-page\.impact\.sev1: "sev1" is not a severity; map one of: critical, major, minor, triage/,
    );
    assert.match(
      problem('status-page:\n  impact:\n    major: down\n'),
      /status-page\.impact\.major: an impact is one of/,
    );
  });

  it('rejects a logo path outside the repository', () => {
    assert.match(
      problem('status-page:\n  logo: ../../etc/logo.png\n'),
      /:2:9: status-page\.logo: logo must be a path inside the repository/,
    );
    assert.match(problem('status-page:\n  logo: /etc/logo.png\n'), /status-page\.logo: logo must be a path inside/);
  });

  it('reads public services, display names, public-by-default and the impact mapping with defaults', () => {
    const config = parseConfig(
      'severities:\n  - { name: sev1, public-by-default: true }\n  - { name: sev2 }\n' +
        'services:\n  web: { paths: ["web/**"], public: true, display-name: Website }\n' +
        'status-page:\n  impact: { sev2: major_outage }\n',
    );
    assert.equal(config.severities[0]?.publicByDefault, true);
    assert.deepEqual(config.services[0], {
      name: 'web',
      paths: ['web/**'],
      owners: [],
      public: true,
      displayName: 'Website',
    });
    assert.deepEqual(config.statusPage?.impact, {
      sev1: 'major_outage',
      sev2: 'major_outage',
      triage: 'degraded_performance',
    });
    assert.equal(config.statusPage?.color, '#0b6bcb');
  });
});
