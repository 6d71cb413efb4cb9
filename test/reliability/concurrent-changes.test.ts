// Changes of every kind at the same moment, from five engineers' clients: the labels, assignees and body the freeze
// trusts always end equal to the fold of the timeline. Without faults every change holds by itself; under ~10%
// faults a change may fail with a typed error, and the next status run (the Action) brings every view back. And a
// change whose view write GitHub keeps refusing after its comment landed says so, and is completed, never repeated.
import { trustAll } from '../builders/incident';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FirebreakError } from '../../core/domain/errors';
import type { Incident } from '../../core/domain/incident';
import { createRenderer } from '../../core/domain/render';
import type { IncidentContext } from '../../core/use-cases/incident-context';
import { Status } from '../../core/use-cases/status';
import { applyChange } from '../support/changes';
import { viewDifferences, viewOfTimeline } from '../../core/use-cases/view-sync';
import type { Sandbox } from '../../sandbox/server';
import {
  assertNoViolations,
  clientFor,
  ENGINEERS,
  entryKeyCounts,
  faultPlan,
  newOutcome,
  sandboxesForEachTest,
  seconds,
  SEED,
  SIZE,
  SLUG,
  type Client,
} from './support';
import { record } from './table';
import { ChangeSeverity } from '../../core/use-cases/change-severity';
import { DeclareIncident } from '../../core/use-cases/declare-incident';

type Kind = 'severity' | 'status' | 'role' | 'handoff' | 'update';

interface Change {
  readonly kind: Kind;
  readonly client: number;
  readonly value: number;
  readonly delay: number;
  readonly loaded: boolean;
}

const change = fc.record({
  kind: fc.constantFrom<Kind>('severity', 'status', 'role', 'handoff', 'update'),
  client: fc.integer({ min: 0, max: ENGINEERS.length - 1 }),
  value: fc.integer({ min: 0, max: 11 }),
  delay: fc.integer({ min: 0, max: 25 }),
  loaded: fc.boolean(),
});

function apply(service: IncidentContext, ref: number | Incident, c: Change, i: number): Promise<unknown> {
  return applyChange(
    service,
    ref,
    c,
    i,
    ENGINEERS.map((e) => e.login),
  );
}

async function drift(client: Client, issueNumber: number): Promise<string[]> {
  const { gateway, service } = client;
  const [issue, comments] = await Promise.all([gateway.getIssue(issueNumber), gateway.listComments(issueNumber)]);
  const { want } = viewOfTimeline(service.config, createRenderer(), issue, comments, gateway.repo, trustAll);
  return viewDifferences(issue, want, service.config);
}

describe('reliability: concurrent changes (the view follows the timeline)', function () {
  this.timeout(10 * 60_000);
  const start = sandboxesForEachTest();

  for (const faulty of [false, true]) {
    it(`${SIZE.sandboxCases * 4} schedules of 2-5 concurrent changes${faulty ? ' under ~10% faults' : ''}: labels, assignees and body equal the fold${faulty ? ' after the next status run' : ''}`, async () => {
      // Five engineers' hour of work in a minute: GitHub's 5,000 requests per hour each would run out mid-campaign.
      // Rate limits have their own scenario (rate-limit.test.ts).
      const sandbox: Sandbox = await start({ rateLimit: { limit: 100_000 } });
      const clients = ENGINEERS.map((engineer) => clientFor(sandbox, engineer));
      const outcome = newOutcome();
      const started = Date.now();
      const before = sandbox.requests.length;
      let drifted = 0;
      let duplicated = 0;
      let schedules = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(change, { minLength: 2, maxLength: 5 }), async (changes) => {
          schedules++;
          const first = clients[0]!;
          const declared = await new DeclareIncident(first.service).run({
            title: `Concurrent ${schedules}`,
            severity: 'minor',
          });
          if (faulty) sandbox.injectFaults(faultPlan(SEED + schedules));
          try {
            await Promise.all(
              changes.map(async (c, i) => {
                await new Promise((resolve) => setTimeout(resolve, c.delay));
                const { service } = clients[c.client]!;
                try {
                  await apply(service, c.loaded ? declared : declared.number, c, i);
                } catch (error) {
                  outcome.errors.push(error);
                  if (error instanceof FirebreakError && faulty) outcome.surfaced++;
                  else outcome.crashes++;
                }
              }),
            );
            await Promise.all(
              clients.map((c) =>
                c.service.settle().catch((error: unknown) => {
                  outcome.errors.push(error);
                  if (error instanceof FirebreakError && faulty) outcome.surfaced++;
                  else outcome.crashes++;
                }),
              ),
            );
          } finally {
            sandbox.injectFaults(undefined);
          }
          if (faulty) {
            const status = new Status({
              gateway: first.gateway,
              config: first.service.config,
              renderer: createRenderer(),
            });
            await status.run();
          }
          const parts = await drift(first, declared.number);
          if (parts.length > 0) drifted++;
          const counts = entryKeyCounts(sandbox, SLUG, declared.number);
          if ([...counts.values()].some((n) => n > 1)) duplicated++;
          assert.deepEqual(parts, [], 'the view is the fold of the timeline');
        }),
        { numRuns: SIZE.sandboxCases * 4, seed: SEED },
      );
      assertNoViolations(sandbox);
      const during = sandbox.requests.slice(before);
      record({
        scenario: `7${faulty ? 'b' : 'a'}. concurrent changes${faulty ? ' (faults, then a status run)' : ''}`,
        size: `${schedules} schedules`,
        lost: drifted,
        duplicated,
        crashes: outcome.crashes,
        leaked: 0,
        requests: during.length,
        faults: during.filter((r) => r.fault !== undefined).length,
        seconds: seconds(started),
        note: `views that differ from the fold: ${drifted}; ${outcome.surfaced} typed errors surfaced`,
      });
      assert.equal(outcome.crashes, 0, outcome.errors.map(String).join('\n'));
    });
  }

  it(`${SIZE.declares} changes whose view write GitHub refuses after the comment landed: a typed error names the repair; a rerun or the status run completes the view, never a second entry`, async () => {
    const sandbox: Sandbox = await start();
    const client = clientFor(sandbox, ENGINEERS[0]!, { viewBudgetMs: 200 });
    const outcome = newOutcome();
    const started = Date.now();
    const before = sandbox.requests.length;
    const numbers: number[] = [];
    for (let i = 0; i < SIZE.declares; i++) {
      const incident = await new DeclareIncident(client.service).run({ title: `Refused edit ${i}`, severity: 'minor' });
      numbers.push(incident.number);
      sandbox.injectFaults({ rate: 1, methods: ['PATCH'], kinds: ['http503'] });
      try {
        await new ChangeSeverity(client.service).run(incident.number, 'critical');
        outcome.crashes++;
      } catch (error) {
        outcome.errors.push(error);
        if (error instanceof FirebreakError && error.hint?.includes(`firebreak repair ${incident.number}`))
          outcome.surfaced++;
        else outcome.crashes++;
      } finally {
        sandbox.injectFaults(undefined);
      }
      // Half are run again by the person, half are left to the next status run.
      if (i % 2 === 0) await new ChangeSeverity(client.service).run(incident.number, 'critical');
    }
    await new Status({
      gateway: client.gateway,
      config: client.service.config,
      renderer: createRenderer(),
    }).run();
    let drifted = 0;
    let duplicated = 0;
    for (const number of numbers) {
      if ((await drift(client, number)).length > 0) drifted++;
      if ([...entryKeyCounts(sandbox, SLUG, number).values()].reduce((a, b) => a + b, 0) !== 1) duplicated++;
    }
    assertNoViolations(sandbox);
    const during = sandbox.requests.slice(before);
    record({
      scenario: '7c. view write refused after the comment landed',
      size: `${numbers.length} changes`,
      lost: drifted,
      duplicated,
      crashes: outcome.crashes,
      leaked: 0,
      requests: during.length,
      faults: during.filter((r) => r.fault !== undefined).length,
      seconds: seconds(started),
      note: `${outcome.surfaced} errors named the repair; half rerun, half repaired by the status run`,
    });
    assert.equal(outcome.crashes, 0, outcome.errors.map(String).join('\n'));
    assert.deepEqual([drifted, duplicated], [0, 0], 'every view follows its timeline, every change recorded once');
  });
});
