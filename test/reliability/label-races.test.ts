// A person labels an incident while Firebreak changes it: Firebreak adds and removes single labels, so whatever the
// person added stays, whatever they removed stays removed, and Firebreak's own labels converge to the fold.
import { trustForIssue } from '../../core/use-cases/writers';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FirebreakError } from '../../core/domain/errors';
import { createRenderer } from '../../core/domain/render';
import { viewDifferences, viewOfTimeline } from '../../core/use-cases/view-sync';
import type { Sandbox } from '../../sandbox/server';
import { applyChange, type ChangeKind } from '../support/changes';
import {
  assertNoViolations,
  clientFor,
  ENGINEERS,
  newOutcome,
  sandboxesForEachTest,
  seconds,
  SEED,
  SIZE,
  type Client,
} from './support';
import { record } from './table';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { RepairIncident } from '../../core/use-cases/repair-incident';

/** Labels only a person sets (Firebreak never computes them). */
const PERSONAL = ['customer-impact', 'needs-comms', 'team:payments'] as const;

const personOp = fc.record({
  add: fc.boolean(),
  label: fc.constantFrom(...PERSONAL),
  delay: fc.integer({ min: 0, max: 30 }),
});

const firebreakOp = fc.record({
  kind: fc.constantFrom<ChangeKind | 'repair'>('severity', 'status', 'role', 'handoff', 'update', 'repair'),
  client: fc.integer({ min: 0, max: ENGINEERS.length - 2 }),
  value: fc.integer({ min: 0, max: 11 }),
  delay: fc.integer({ min: 0, max: 30 }),
  loaded: fc.boolean(),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function drift(client: Client, issueNumber: number): Promise<string[]> {
  const { gateway, service } = client;
  const [issue, comments] = await Promise.all([gateway.getIssue(issueNumber), gateway.listComments(issueNumber)]);
  const trust = await trustForIssue(service.authority, gateway.repo, issue, comments);
  const { want } = viewOfTimeline(service.config, createRenderer(), issue, comments, gateway.repo, trust);
  return viewDifferences(issue, want, service.config);
}

describe('reliability: label races (a person labels while Firebreak writes)', function () {
  this.timeout(10 * 60_000);
  const start = sandboxesForEachTest();

  it(`${SIZE.sandboxCases * 4} races of a person's label changes against 1-3 changes and repairs: nothing the person set is undone, the view converges`, async () => {
    const sandbox: Sandbox = await start({ rateLimit: { limit: 100_000 } });
    const clients = ENGINEERS.slice(0, -1).map((engineer) => clientFor(sandbox, engineer));
    // The person labels in GitHub's UI, which adds and removes one label at a time.
    const person = clientFor(sandbox, ENGINEERS.at(-1)!);
    const outcome = newOutcome();
    const started = Date.now();
    const before = sandbox.requests.length;
    let undone = 0;
    let drifted = 0;
    let races = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(personOp, { minLength: 1, maxLength: 4 }),
        fc.array(firebreakOp, { minLength: 1, maxLength: 3 }),
        async (labelling, changes) => {
          races++;
          const first = clients[0]!;
          const declared = await new DeclareIncident(first.service).run({
            title: `Label race ${races}`,
            severity: 'minor',
          });
          const personDone = (async () => {
            for (const op of labelling) {
              await sleep(op.delay);
              if (op.add) await person.gateway.addLabels(declared.number, [op.label]);
              else await person.gateway.removeLabel(declared.number, op.label);
            }
          })();
          await Promise.all([
            personDone,
            ...changes.map(async (c, i) => {
              await sleep(c.delay);
              const { service } = clients[c.client]!;
              try {
                if (c.kind === 'repair') await new RepairIncident(service).run(declared.number);
                else
                  await applyChange(
                    service,
                    c.loaded ? declared : declared.number,
                    { kind: c.kind, value: c.value },
                    i,
                    ENGINEERS.map((e) => e.login),
                  );
              } catch (error) {
                outcome.errors.push(error);
                if (error instanceof FirebreakError) outcome.surfaced++;
                else outcome.crashes++;
              }
            }),
          ]);
          await Promise.all(clients.map((c) => c.service.settle()));
          // The person's last word on each label they touched.
          const intended = new Map(labelling.map((op) => [op.label, op.add]));
          const labels = (await first.gateway.getIssue(declared.number)).labels;
          const wrong = [...intended].filter(([label, present]) => labels.includes(label) !== present);
          if (wrong.length > 0) undone++;
          const parts = await drift(first, declared.number);
          if (parts.length > 0) drifted++;
          assert.deepEqual(wrong, [], `the person's labels as they left them (issue has ${labels.join(', ')})`);
          assert.deepEqual(parts, [], "Firebreak's labels, body and assignees are the fold of the timeline");
        },
      ),
      { numRuns: SIZE.sandboxCases * 4, seed: SEED },
    );
    assertNoViolations(sandbox);
    const during = sandbox.requests.slice(before);
    record({
      scenario: '7d. label races (a person labels while Firebreak writes)',
      size: `${races} races`,
      lost: undone + drifted,
      duplicated: 0,
      crashes: outcome.crashes,
      leaked: 0,
      requests: during.length,
      faults: 0,
      seconds: seconds(started),
      note: `person's labels undone: ${undone}; views that differ from the fold: ${drifted}; ${outcome.surfaced} typed errors`,
    });
    assert.equal(outcome.crashes, 0, outcome.errors.map(String).join('\n'));
    assert.equal(outcome.surfaced, 0, outcome.errors.map(String).join('\n'));
  });
});
