// Who may change an incident's state, tried as an adversary would: people without push access open issues with
// forged body markers and issue forms, edit their bodies after someone took them, declare and log; collaborators
// edit earlier entries (by hand, or re-hashing the marker). The freeze, `list` and `show` (CLI) and the status run
// never follow them, `repair` refuses an edited history, and nothing reports success for what was not recorded.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FirebreakError } from '../../core/domain/errors';
import { entryMarker, incidentMarker, initialState, markerHash, readMarker } from '../../core/domain/event-log';
import type { Declaration, TimelineEntry } from '../../core/domain/incident';
import { checkFreeze } from '../../core/use-cases/freeze-decision';
import { Status } from '../../core/use-cases/status';
import { createRenderer } from '../../core/domain/render';
import { createGitHubClient } from '../../core/github/github-client';
import { OctokitIssueGateway } from '../../core/github/issue-gateway';
import type { Sandbox } from '../../sandbox/server';
import { buildAction, runAction, warningsOf } from '../action/support';
import { hostileText } from './arbitraries';
import {
  ACTION_TOKEN,
  actionTexts,
  assertNoViolations,
  clientFor,
  countLeaks,
  ENGINEERS,
  FAST_CLIENT,
  OUTSIDER,
  REPO,
  runCli,
  sandboxesForEachTest,
  seconds,
  SEED,
  SIZE,
  SLUG,
  type Engineer,
} from './support';
import { record } from './table';
import { AssignRole } from '../../core/use-cases/assign-role';
import { ChangeSeverity } from '../../core/use-cases/change-severity';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { LogEntry } from '../../core/use-cases/log-entry';
import { RepairIncident } from '../../core/use-cases/repair-incident';
import { ShowIncident } from '../../core/use-cases/show-incident';

const engineer = (i: number): Engineer => ENGINEERS[i] as Engineer;

const forged = (d: Partial<Declaration>): string => {
  const declaration: Declaration = {
    key: 'forged',
    title: 'Checkout down',
    description: 'x',
    severity: 'critical',
    lead: 'oncall-1',
    declaredBy: 'oncall-1',
    declaredAt: '2026-11-23T10:00:00.000Z',
    private: false,
    drill: false,
    services: [],
    ...d,
  };
  return `${incidentMarker(declaration, initialState(declaration))}\nDeclared by @oncall-1.`;
};

/** The outsider's own client: their token, their requests. */
function outsiderGateway(sandbox: Sandbox): OctokitIssueGateway {
  const client = createGitHubClient({ token: OUTSIDER.token, baseUrl: sandbox.url, ...FAST_CLIENT });
  return new OctokitIssueGateway(REPO, client, sandbox.webUrl);
}

describe('reliability: who may change an incident', function () {
  this.timeout(5 * 60_000);
  const start = sandboxesForEachTest();

  it(`${SIZE.sandboxCases * 2} outsider issues (forged markers, forms, later edits) never freeze, page or read as declared by someone else`, async () => {
    const sandbox = await start();
    const started = Date.now();
    const lead = clientFor(sandbox, engineer(0));
    const texts: string[] = [];
    let wrong = 0;
    let crashes = 0;
    let cases = 0;
    const problems: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          how: fc.constantFrom('marker', 'form', 'marker-in-form'),
          severity: fc.constantFrom('critical', 'major'),
          title: hostileText({ maxPieces: 4 }),
          lead: fc.constantFrom('@oncall-2', '@octo-lead', '@acme/sre'),
          taken: fc.boolean(),
          editAfter: fc.constantFrom('drill', 'minor', 'services', 'none'),
        }),
        async (c) => {
          cases++;
          const form = `### Severity\n\n${c.severity}\n\n### What is happening\n\nHelp\n\n### Services\n\nnowhere\n\n### Lead\n\n${c.lead}`;
          const body =
            c.how === 'marker'
              ? forged({ severity: c.severity })
              : c.how === 'form'
                ? form
                : `${form}\n\n${forged({ severity: c.severity })}`;
          // The issue form applies the incident label for anyone; the API would drop it.
          const issue = sandbox.store.createIssueDirect(SLUG, {
            title: `${c.title} x`,
            body,
            labels: ['incident'],
            author: OUTSIDER.login,
          });
          try {
            if (c.taken) await new ChangeSeverity(lead.service).run(issue.number, 'critical');
            if (c.editAfter !== 'none') {
              await outsiderGateway(sandbox).updateIssue(issue.number, {
                body: forged({
                  drill: c.editAfter === 'drill',
                  severity: c.editAfter === 'minor' ? 'minor' : 'critical',
                  services: c.editAfter === 'services' ? ['nowhere'] : [],
                }),
              });
            }
            const decision = await checkFreeze(lead.gateway, lead.service.config);
            const counted = decision.freezing.some((i) => i.number === issue.number);
            if (counted !== c.taken) {
              wrong++;
              problems.push(`#${issue.number} ${JSON.stringify(c)}: freezing=${counted}`);
            }
            const shown = await new ShowIncident(lead.service).run(issue.number);
            if (shown.declaredBy !== OUTSIDER.login || shown.severity !== (c.taken ? 'critical' : 'triage')) {
              wrong++;
              problems.push(`#${issue.number}: show says ${shown.severity}, declared by ${shown.declaredBy}`);
            }
            const status = await new Status({
              gateway: lead.gateway,
              config: lead.service.config,
              renderer: createRenderer(),
              now: () => new Date(Date.now() + 3 * 86_400_000),
            }).run({ remind: true });
            const reminded = status.reminders.some((r) => r.number === issue.number);
            if (reminded !== c.taken) {
              wrong++;
              problems.push(`#${issue.number}: reminded=${reminded}`);
            }
            texts.push(...sandbox.store.comments(SLUG, issue.number).map((cm) => cm.body));
          } catch (error) {
            crashes++;
            problems.push(String(error));
          } finally {
            sandbox.store.updateIssue(sandbox.store.repo(SLUG)!, issue, { state: 'closed' });
          }
        },
      ),
      { numRuns: SIZE.sandboxCases * 2, seed: SEED + 30 },
    );
    const cli = await runCli(sandbox, ['list', '--repo', SLUG]);
    texts.push(cli.out, cli.err);
    const mentioned = texts.filter((t) => /@(oncall-2|octo-lead)\b/.test(t)).length;
    record({
      scenario: 'S3. outsiders: forged markers, forms, edits',
      size: `${cases} issues`,
      lost: 0,
      duplicated: 0,
      crashes: crashes + wrong + mentioned,
      leaked: countLeaks(texts),
      seconds: seconds(started),
      note: `${wrong} wrong freeze/show/remind answers; ${mentioned} mentions of people named in a request`,
    });
    assert.deepEqual(problems, []);
    assert.equal(mentioned, 0);
    assertNoViolations(sandbox);
  });

  it(`${SIZE.sandboxCases} incidents with an earlier state entry edited by a collaborator: shown as edited, never followed`, async () => {
    const sandbox = await start();
    const started = Date.now();
    const lead = clientFor(sandbox, engineer(0));
    const other = clientFor(sandbox, engineer(1));
    let wrong = 0;
    let caught = 0;
    const problems: string[] = [];
    for (let i = 0; i < SIZE.sandboxCases; i++) {
      const rehash = i % 2 === 1;
      const incident = await new DeclareIncident(lead.service).run({ title: `Case ${i}`, severity: 'minor' });
      await new ChangeSeverity(lead.service).run(incident.number, 'critical');
      if (i % 3 === 0) await new AssignRole(lead.service).run(incident.number, 'comms', engineer(2).login);
      const [comment] = sandbox.store.comments(SLUG, incident.number);
      assert.ok(comment);
      // GitHub stamps edits in whole seconds: an edit in the same second as the comment is caught by the hash only.
      await new Promise((resolve) => setTimeout(resolve, rehash ? 1100 : 0));
      const [line = '', ...rest] = comment.body.split('\n');
      const payload = { ...readMarker(line, 'entry'), to: 'minor' };
      const edited = rehash
        ? `<!-- firebreak:entry ${JSON.stringify({ ...payload, h: markerHash(payload) })} -->`
        : line.replace('"to":"critical"', '"to":"minor"');
      await other.gateway.updateComment(comment.id, [edited, ...rest].join('\n'));
      const shown = await new ShowIncident(lead.service).run(incident.number);
      const refused = await new RepairIncident(lead.service).run(incident.number).then(
        () => false,
        (error: unknown) => error instanceof FirebreakError && error.code === 'conflict',
      );
      const decision = await checkFreeze(lead.gateway, lead.service.config);
      const ok =
        shown.severity === 'critical' &&
        shown.timeline[0]?.edited === true &&
        refused &&
        decision.freezing.some((f) => f.number === incident.number);
      if (ok) caught++;
      else {
        wrong++;
        problems.push(
          `#${incident.number} (${rehash ? 're-hashed' : 'by hand'}): ${shown.severity}, refused=${refused}`,
        );
      }
      sandbox.store.updateIssue(sandbox.store.repo(SLUG)!, sandbox.store.issue(SLUG, incident.number)!, {
        state: 'closed',
      });
    }
    record({
      scenario: 'S4. edited entries (by hand, re-hashed)',
      size: `${SIZE.sandboxCases} incidents`,
      lost: 0,
      duplicated: 0,
      crashes: wrong,
      leaked: 0,
      seconds: seconds(started),
      note: `${caught} edits caught, repair refused each`,
    });
    assert.deepEqual(problems, []);
    assertNoViolations(sandbox);
  });

  it('a pull request that edits the freeze config (off, elsewhere, broken) never passes its own freeze', async () => {
    await buildAction();
    const sandbox = await start();
    const started = Date.now();
    const lead = clientFor(sandbox, engineer(0));
    await new DeclareIncident(lead.service).run({ title: 'Checkout down', severity: 'critical' });
    const edits: Record<string, string> = {
      off: ['severities:', ...['critical', 'major', 'minor'].map((n) => `  - name: ${n}\n    freeze: false`)].join(
        '\n',
      ),
      elsewhere: 'repository: acme/empty\n',
      'other label': 'labels:\n  incident: not-an-incident\n',
      broken: 'severities: [',
    };
    const runs = await Promise.all(
      Object.values(edits).map((config) =>
        runAction(sandbox, {
          inputs: { mode: 'freeze', 'github-token': ACTION_TOKEN, 'api-retries': '0' },
          eventName: 'pull_request',
          event: { pull_request: { number: 7 }, repository: { default_branch: 'main' } },
          files: { '.github/incidents.yml': config },
          env: { GITHUB_REPOSITORY: SLUG },
        }),
      ),
    );
    const passed = runs.filter((r) => r.code === 0 || r.outputs['frozen'] !== 'true').length;
    const unreported = runs.filter((r) => !warningsOf(r).some((w) => /This change edits/.test(w))).length;
    record({
      scenario: 'S6. freeze config edited in the gated change',
      size: `${runs.length} pull requests`,
      lost: 0,
      duplicated: 0,
      crashes: passed + unreported,
      leaked: countLeaks(runs.flatMap(actionTexts)),
      seconds: seconds(started),
      note: `${runs.length - passed} stayed frozen, ${runs.length - unreported} reported the edit`,
    });
    assert.equal(passed, 0, runs.map((r) => r.stdout).join('\n'));
    assert.equal(unreported, 0);
    assertNoViolations(sandbox);
  });

  it('a reader (no push access) is told that declare and log recorded nothing; nothing freezes', async () => {
    const sandbox = await start();
    const started = Date.now();
    const lead = clientFor(sandbox, engineer(0));
    const incident = await new DeclareIncident(lead.service).run({ title: 'Checkout down', severity: 'minor' });
    const reader = clientFor(sandbox, OUTSIDER);
    const outcomes: string[] = [];
    for (let i = 0; i < SIZE.declares; i++) {
      const attempt =
        i % 2 === 0
          ? new DeclareIncident(reader.service).run({ title: `Outage ${i}`, severity: 'critical' })
          : new LogEntry(reader.service).run(incident.number, { kind: 'action', text: `Restarted ${i}` });
      outcomes.push(
        await attempt.then(
          () => 'success',
          (error: unknown) => (error instanceof FirebreakError ? error.code : 'crash'),
        ),
      );
    }
    const cli = await runCli(sandbox, ['log', String(incident.number), '--text', 'x', '--repo', SLUG], {
      GITHUB_TOKEN: OUTSIDER.token,
    });
    const decision = await checkFreeze(lead.gateway, lead.service.config);
    const shown = await new ShowIncident(lead.service).run(incident.number);
    const successes = outcomes.filter((o) => o !== 'permission').length + (cli.code === 0 ? 1 : 0);
    record({
      scenario: 'S5. read-only declare and log',
      size: `${SIZE.declares} writes + CLI`,
      lost: 0,
      duplicated: 0,
      crashes: successes + (decision.frozen ? 1 : 0) + shown.timeline.length,
      leaked: countLeaks([cli.out, cli.err]),
      seconds: seconds(started),
      note: `${outcomes.filter((o) => o === 'permission').length + (cli.code === 0 ? 0 : 1)} refused with what is missing`,
    });
    assert.deepEqual(
      outcomes.filter((o) => o !== 'permission'),
      [],
    );
    assert.notEqual(cli.code, 0, cli.out);
    assert.match(cli.err, /Not recorded: GitHub took the comment/);
    assert.equal(decision.frozen, false);
    assert.deepEqual(shown.timeline, []);
    assertNoViolations(sandbox);
  });
  it(`${SIZE.sandboxCases} readers' claims (valid resolve and severity markers, association forged MEMBER, COLLABORATOR or OWNER) are never followed`, async () => {
    const sandbox = await start();
    const started = Date.now();
    const lead = clientFor(sandbox, engineer(0));
    const associations = ['MEMBER', 'COLLABORATOR', 'OWNER'] as const;
    const numbers: number[] = [];
    for (let i = 0; i < SIZE.sandboxCases; i++) {
      const incident = await new DeclareIncident(lead.service).run({
        title: `Checkout down ${i}`,
        severity: 'critical',
      });
      numbers.push(incident.number);
      const at = new Date().toISOString();
      const claims: TimelineEntry[] = [
        { kind: 'severity', key: `r-sev-${i}`, at, by: OUTSIDER.login, from: 'critical', to: 'minor' },
        { kind: 'status', key: `r-res-${i}`, at, by: OUTSIDER.login, from: incident.status, to: 'resolved' },
      ].map((e) => ({ ...e, ...(incident.head !== undefined ? { prev: incident.head } : {}) }) as TimelineEntry);
      for (const entry of claims)
        sandbox.store.createCommentDirect(SLUG, incident.number, {
          body: `${entryMarker(entry)}\nDone.`,
          author: OUTSIDER.login,
          authorAssociation: associations[i % associations.length] ?? 'MEMBER',
        });
    }
    // The scheduled status run repairs views that lag their timelines: it must not adopt the readers' claims.
    const status = await new Status({
      gateway: lead.gateway,
      config: lead.service.config,
      renderer: createRenderer(),
    }).run({ remind: false });
    const decision = await checkFreeze(lead.gateway, lead.service.config);
    let followed = 0;
    for (const number of numbers) {
      const shown = await new ShowIncident(clientFor(sandbox, engineer(1)).service).run(number);
      if (shown.severity !== 'critical' || shown.status === 'resolved') followed++;
      if (sandbox.store.issue(SLUG, number)?.state !== 'open') followed++;
    }
    const unfrozen = numbers.filter((n) => !decision.freezing.some((i) => i.number === n)).length;
    record({
      scenario: "S6. readers' claims",
      size: `${SIZE.sandboxCases} incidents × 2 forged entries`,
      lost: 0,
      duplicated: 0,
      crashes: followed + unfrozen + status.repaired.length,
      leaked: 0,
      seconds: seconds(started),
      note: 'read permission, association forged; show, status repair and freeze ignore them',
    });
    assert.equal(followed, 0);
    assert.equal(unfrozen, 0);
    assert.deepEqual(status.repaired, []);
    assertNoViolations(sandbox);
  });
});
