// The view (labels, assignees, body) always ends equal to the fold of the timeline: when changes of every kind run
// at the same moment, when the view write after a landed comment fails, and when a command is run again.
import { trustAll } from '../builders/incident';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GitHubError } from '../../core/domain/errors';
import { readIncidentMarker, readMarker } from '../../core/domain/event-log';
import type { Incident } from '../../core/domain/incident';
import type { IncidentContext } from '../../core/use-cases/incident-context';
import { Status } from '../../core/use-cases/status';
import { viewDifferences, viewOfTimeline } from '../../core/use-cases/view-sync';
import { createRenderer } from '../../core/domain/render';
import type { Sandbox } from '../../sandbox/server';
import { applyChange, type ChangeKind } from '../support/changes';
import { REPO, serviceFor, useSandbox } from '../support/sandbox';
import { AssignRole } from '../../core/use-cases/assign-role';
import { ChangeSeverity } from '../../core/use-cases/change-severity';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { LogEntry } from '../../core/use-cases/log-entry';
import { PostUpdate } from '../../core/use-cases/post-update';

const SLUG = `${REPO.owner}/${REPO.name}`;
const PEOPLE = [
  { login: 'firebreak-dev', token: 'sandbox-token' },
  { login: 'octo-lead', token: 'sandbox-token-lead' },
];
const HOLDERS = ['firebreak-dev', 'octo-lead', 'octo-comms', 'octo-scribe'] as const;

/** The issue as GitHub shows it against the fold of its comments: the parts that differ (none, always). */
async function drift(sandbox: Sandbox, issueNumber: number, repo = REPO): Promise<string[]> {
  const { gateway, service } = serviceFor(sandbox, { repo });
  const [issue, comments] = await Promise.all([gateway.getIssue(issueNumber), gateway.listComments(issueNumber)]);
  const { want } = viewOfTimeline(service.config, createRenderer(), issue, comments, gateway.repo, trustAll);
  const parts = viewDifferences(issue, want, service.config);
  return comments.length === issue.comments ? parts : [...parts, 'comment count'];
}

function entryKeys(sandbox: Sandbox, issueNumber: number): string[] {
  return sandbox.store.comments(SLUG, issueNumber).flatMap((c) => {
    const key = readMarker(c.body.split('\n', 1)[0] ?? '', 'entry')?.['key'];
    return typeof key === 'string' ? [key] : [];
  });
}

type Kind = ChangeKind;

interface Change {
  readonly kind: Kind;
  readonly person: number;
  readonly value: number;
  /** Milliseconds after the others start. */
  readonly delay: number;
  /** The incident as an edge holds it (the extension), or its number (the CLI). */
  readonly loaded: boolean;
}

function apply(service: IncidentContext, ref: number | Incident, change: Change, i: number): Promise<unknown> {
  return applyChange(service, ref, change, i, HOLDERS);
}

describe('the view converges on the timeline', function () {
  this.timeout(120_000);
  const box = useSandbox();
  const sandbox = () => box.get();

  it('2-5 concurrent changes of every kind, by number or on a loaded incident: labels, assignees and body equal the fold, every time', async () => {
    const change = fc.record({
      kind: fc.constantFrom<Kind>('severity', 'status', 'role', 'handoff', 'update', 'release'),
      person: fc.integer({ min: 0, max: PEOPLE.length - 1 }),
      value: fc.integer({ min: 0, max: 11 }),
      delay: fc.integer({ min: 0, max: 20 }),
      loaded: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(change, { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 0, max: 8 }),
        async (changes, latency) => {
          const setup = serviceFor(sandbox());
          const declared = await new DeclareIncident(setup.service).run({
            title: 'Checkout returns 500s',
            severity: 'minor',
          });
          const scribe = await new AssignRole(setup.service).run(declared, 'scribe', 'octo-scribe');
          sandbox().setLatency(latency);
          const services = changes.map((c) => {
            const person = PEOPLE[c.person] ?? PEOPLE[0]!;
            return serviceFor(sandbox(), { token: person.token, actor: person.login }).service;
          });
          try {
            await Promise.all(
              changes.map(async (c, i) => {
                await new Promise((resolve) => setTimeout(resolve, c.delay));
                await apply(services[i]!, c.loaded ? scribe : declared.number, c, i);
              }),
            );
            await Promise.all(services.map((s) => s.settle()));
          } finally {
            sandbox().setLatency(0);
          }
          assert.deepEqual(await drift(sandbox(), declared.number), [], 'the view is the fold of the timeline');
          const keys = entryKeys(sandbox(), declared.number);
          assert.equal(new Set(keys).size, keys.length, 'no entry twice');
        },
      ),
      { numRuns: 30, seed: 20261130 },
    );
  });

  describe('when the view write fails after the comment landed', () => {
    afterEach(() => sandbox().injectFaults(undefined));

    it('the view write is retried until it holds', async () => {
      const { service } = serviceFor(sandbox(), { viewBudgetMs: 10_000 });
      const incident = await new DeclareIncident(service).run({ title: 'Flaky edits', severity: 'minor' });
      sandbox().failNext('http503', 6, { method: 'PATCH' });
      const changed = await new ChangeSeverity(service).run(incident.number, 'critical');
      assert.equal(changed.severity, 'critical');
      assert.ok(
        sandbox()
          .store.issueLabels(sandbox().store.repo(SLUG)!, sandbox().store.issue(SLUG, incident.number)!)
          .some((l) => l.name === 'severity:critical'),
      );
      assert.deepEqual(await drift(sandbox(), incident.number), []);
    });

    it('a change says its entry is recorded and names `firebreak repair N`; running it again completes the view without a second entry', async () => {
      const { service } = serviceFor(sandbox(), { viewBudgetMs: 300 });
      const incident = await new DeclareIncident(service).run({ title: 'Edits refused', severity: 'minor' });
      sandbox().injectFaults({ rate: 1, methods: ['PATCH'], kinds: ['http503'] });
      await assert.rejects(new ChangeSeverity(service).run(incident.number, 'critical'), (e: unknown) => {
        assert.ok(e instanceof GitHubError);
        assert.match(e.message, /severity entry is recorded on #\d+, but its labels and body are behind/);
        assert.match(e.hint ?? '', new RegExp(`firebreak repair ${incident.number}`));
        return true;
      });
      assert.equal(entryKeys(sandbox(), incident.number).length, 1, 'the comment landed');
      // Labels go by their own requests (POST and DELETE of single labels), which a refused PATCH leaves done.
      assert.deepEqual(await drift(sandbox(), incident.number), ['body']);

      sandbox().injectFaults(undefined);
      const rerun = await new ChangeSeverity(service).run(incident.number, 'critical');
      assert.equal(rerun.severity, 'critical');
      assert.equal(entryKeys(sandbox(), incident.number).length, 1, 'not recorded twice');
      assert.deepEqual(await drift(sandbox(), incident.number), []);
    });

    it('a rerun of an update recognises its landed entry; the same update later is a new entry', async () => {
      const { service } = serviceFor(sandbox(), { viewBudgetMs: 300 });
      const incident = await new DeclareIncident(service).run({ title: 'Update refused', severity: 'major' });
      sandbox().injectFaults({ rate: 1, methods: ['PATCH'], kinds: ['http503'] });
      await assert.rejects(new PostUpdate(service).run(incident.number, { text: 'Still investigating.' }), GitHubError);
      sandbox().injectFaults(undefined);
      await new PostUpdate(service).run(incident.number, { text: 'Still investigating.' });
      assert.equal(entryKeys(sandbox(), incident.number).length, 1, 'the rerun completed the view instead');
      assert.deepEqual(await drift(sandbox(), incident.number), []);
      await new PostUpdate(service).run(incident.number, { text: 'Still investigating.' });
      assert.equal(entryKeys(sandbox(), incident.number).length, 2, 'a later identical update is recorded');
    });

    it('the status summary repairs an incident whose view is behind its timeline', async () => {
      const repo = { owner: 'acme', name: 'status-repair' };
      const { service, gateway } = serviceFor(sandbox(), { viewBudgetMs: 300, repo });
      const incident = await new DeclareIncident(service).run({ title: 'Behind', severity: 'minor' });
      await new LogEntry(service).run(incident.number, { kind: 'observation', text: 'Errors at 30%.' });
      sandbox().injectFaults({ rate: 1, methods: ['PATCH'], kinds: ['http503'] });
      await assert.rejects(new ChangeSeverity(service).run(incident.number, 'critical'), GitHubError);
      sandbox().injectFaults(undefined);
      const status = new Status({ gateway, config: service.config, renderer: createRenderer() });
      const result = await status.run();
      assert.deepEqual(result.repaired, [incident.number]);
      assert.equal(result.active.find((a) => a.number === incident.number)?.severity, 'critical');
      assert.deepEqual(await drift(sandbox(), incident.number, repo), []);
      assert.equal(
        readIncidentMarker(sandbox().store.issue('acme/status-repair', incident.number)?.body)?.state.severity,
        'critical',
      );
      // Nothing behind any more: the next run reads no comments of it and writes nothing.
      const start = sandbox().requests.length;
      assert.deepEqual((await status.run()).repaired, []);
      assert.ok(
        sandbox()
          .requests.slice(start)
          .every((r) => r.method === 'GET' && !r.path.endsWith('/comments')),
      );
    });

    it('a failed comment on a loaded incident leaves the view as the timeline says', async () => {
      const { service } = serviceFor(sandbox(), { viewBudgetMs: 300 });
      const incident = await new DeclareIncident(service).run({ title: 'Comment refused', severity: 'minor' });
      // Each of the comment's four attempts is refused (the label writes sent with it are not).
      sandbox().failNext('http503', 4, { method: 'POST', pathIncludes: '/comments' });
      await assert.rejects(new ChangeSeverity(service).run(incident, 'critical'), GitHubError);
      sandbox().injectFaults(undefined);
      assert.equal(entryKeys(sandbox(), incident.number).length, 0);
      assert.deepEqual(await drift(sandbox(), incident.number), []);
      assert.equal(readIncidentMarker(sandbox().store.issue(SLUG, incident.number)?.body)?.state.severity, 'minor');
    });
  });
});
