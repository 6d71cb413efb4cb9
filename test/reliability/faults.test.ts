// Nothing lost, nothing twice: five engineers' clients log to one incident, declare and run follow-ups while about
// 10% of all requests fail (5xx, resets, secondary rate limits, writes applied but answered 502). Every scenario
// runs twice on fresh sandboxes, without and with faults, and the two end states must be the same.
import assert from 'node:assert/strict';
import { hasMarkerKey, readMarkers } from '../../core/domain/event-log';
import { FollowUps, type FollowUpResult } from '../../core/use-cases/follow-ups';
import { LOG_KINDS, type Incident, type Milestone } from '../../core/domain/incident';
import { createRenderer } from '../../core/domain/render';
import type { Sandbox } from '../../sandbox/server';
import { buildAction, runAction } from '../action/support';
import {
  ACTION_TOKEN,
  actionTexts,
  assertNoViolations,
  clientFor,
  CLIENTS,
  countLeaks,
  declarationKeyCounts,
  deliver,
  ENGINEERS,
  entryKeyCounts,
  entryKeysInOrder,
  errorText,
  faultPlan,
  FULL,
  lostAndDuplicated,
  newOutcome,
  seconds,
  SEED,
  SIZE,
  SLUG,
  sandboxesForEachTest,
  visibleText,
  type Client,
  type Outcome,
} from './support';
import { record } from './table';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { LogEntry } from '../../core/use-cases/log-entry';
import { PostUpdate } from '../../core/use-cases/post-update';
import { RepairIncident } from '../../core/use-cases/repair-incident';
import { Retro } from '../../core/use-cases/retro';
import { ShowIncident } from '../../core/use-cases/show-incident';

interface Run {
  readonly sandbox: Sandbox;
  readonly clients: readonly Client[];
  readonly outcome: Outcome;
  /** Requests and injected faults while the workload ran (setup excluded). */
  readonly requests: number;
  readonly faults: number;
  readonly seconds: number;
}

/** A clock the workload sets before each write: retries and look-ups never move it, so every run writes the same. */
function settableClock(): { now: () => Date; set(iso: string): void } {
  let current = new Date('2026-11-23T10:00:00Z');
  return { now: () => current, set: (iso) => void (current = new Date(iso)) };
}

const secondsAfter = (base: string, offsetSeconds: number) =>
  new Date(Date.parse(base) + offsetSeconds * 1000).toISOString();

/** Starts a fresh sandbox, builds one client per engineer, runs `setup` fault-free and `work` under the plan. */
async function run(
  start: () => Promise<Sandbox>,
  plan: ReturnType<typeof faultPlan> | undefined,
  setup: (clients: readonly Client[], clocks: readonly ReturnType<typeof settableClock>[]) => Promise<void>,
  work: (
    clients: readonly Client[],
    outcome: Outcome,
    clocks: readonly ReturnType<typeof settableClock>[],
  ) => Promise<void>,
): Promise<Run> {
  const sandbox = await start();
  const clocks = ENGINEERS.map(() => settableClock());
  const clients = ENGINEERS.map((engineer, i) =>
    clientFor(sandbox, engineer, { now: () => (clocks[i] ?? settableClock()).now() }),
  );
  await setup(clients, clocks);
  const outcome = newOutcome();
  const before = sandbox.requests.length;
  const started = Date.now();
  sandbox.injectFaults(plan);
  // Every faulty run meets at least one secondary rate limit, whatever the plan drew (see faultPlan).
  if (plan) sandbox.failNext('secondary-rate-limit', 1, { method: 'POST' });
  try {
    await work(clients, outcome, clocks);
  } finally {
    sandbox.injectFaults(undefined);
  }
  const during = sandbox.requests.slice(before);
  return {
    sandbox,
    clients,
    outcome,
    requests: during.length,
    faults: during.filter((r) => r.fault !== undefined).length,
    seconds: seconds(started),
  };
}

/** Leaks in everything a run captured: log lines, errors (deeply inspected), and what the sandbox shows. */
function leaksOf(run: Run): number {
  return countLeaks([
    ...run.clients.flatMap((c) => c.log.lines),
    ...run.outcome.errors.map(errorText),
    ...visibleText(run.sandbox),
  ]);
}

function describeOutcome(run: Run): string {
  const parts = [`${run.outcome.surfaced} typed errors surfaced`];
  if (run.outcome.gaveUp) parts.push(`${run.outcome.gaveUp} gave up`);
  return parts.join(', ');
}

/**
 * The incident as folded from its timeline, without what differs between two sandboxes (URLs, ids, update times)
 * and the view's bookkeeping (how many comments its body says it folds depends on which writes met faults).
 */
function comparable(incident: Incident) {
  const { url: _url, updatedAt: _updated, viewThrough: _through, assignees, timeline, ...rest } = incident;
  return {
    ...rest,
    assignees: [...assignees].sort(),
    timeline: timeline.map(({ commentId: _id, url: _u, ...entry }) => entry).sort((a, b) => a.key.localeCompare(b.key)),
  };
}

describe('reliability: faults (nothing lost, nothing twice)', function () {
  this.timeout(10 * 60_000);
  const start = sandboxesForEachTest();

  const STATUSES: readonly Milestone[] = ['investigating', 'identified', 'monitoring', 'investigating'];
  const UPDATE_EVERY = FULL ? 25 : 5;

  it(`${CLIENTS} concurrent clients log ${SIZE.entries} entries to one incident under ~10% faults: each lands once, in each client's order, and the incident folds as without faults`, async () => {
    const perClient = SIZE.entries / CLIENTS;
    let incidentNumber = 0;
    const keyOf = (client: number, i: number) => `entry-c${client + 1}-${String(i).padStart(4, '0')}`;
    const setup = async (clients: readonly Client[], clocks: readonly ReturnType<typeof settableClock>[]) => {
      clocks[0]?.set('2026-11-23T09:58:00Z');
      const incident = await new DeclareIncident((clients[0] as Client).service).run({
        title: 'Checkout returns 500s',
        severity: 'major',
        key: 'incident-under-fire',
      });
      incidentNumber = incident.number;
    };
    const work = async (
      clients: readonly Client[],
      outcome: Outcome,
      clocks: readonly ReturnType<typeof settableClock>[],
    ) => {
      await Promise.all(
        clients.map(async (client, c) => {
          // Client 1 is the lead: every 25th (short run: 5th) write is a status update, so the state has history.
          let loaded: Incident | undefined =
            c === 0 ? await new ShowIncident(client.service).run(incidentNumber) : undefined;
          for (let i = 0; i < perClient; i++) {
            const key = keyOf(c, i);
            clocks[c]?.set(secondsAfter(`2026-11-23T1${c}:00:00Z`, i));
            const landed = async () =>
              (await client.gateway.listComments(incidentNumber)).some((comment) => hasMarkerKey(comment.body, key));
            if (loaded && i % UPDATE_EVERY === UPDATE_EVERY - 1) {
              const status = STATUSES[Math.floor(i / UPDATE_EVERY) % STATUSES.length] as Milestone;
              const current: Incident = loaded;
              const next = await deliver(
                outcome,
                () =>
                  new PostUpdate(client.service).run(current, {
                    text: `Update ${i}: moving to ${status}.`,
                    status,
                    key,
                  }),
                async () => {
                  // The comment is the truth; when it landed, the body and labels are recomputed from the comments.
                  if (!(await landed())) return false;
                  await new RepairIncident(client.service).run(incidentNumber);
                  return true;
                },
              );
              loaded = next ?? (await new ShowIncident(client.service).run(incidentNumber));
              continue;
            }
            const kind = LOG_KINDS[(i + c) % LOG_KINDS.length] ?? 'observation';
            await deliver(
              outcome,
              () =>
                new LogEntry(client.service).run(incidentNumber, {
                  kind,
                  text: `Engineer ${c + 1}, entry ${i}: ${kind} while GitHub is flaky.`,
                  key,
                }),
              landed,
            );
          }
        }),
      );
    };

    const clean = await run(start, undefined, setup, work);
    const faulty = await run(start, faultPlan(SEED + 1), setup, work);

    const expected = clients(CLIENTS).flatMap((c) => Array.from({ length: perClient }, (_, i) => keyOf(c, i)));
    const counts = entryKeyCounts(faulty.sandbox, SLUG, incidentNumber);
    const { lost, duplicated } = lostAndDuplicated(expected, counts);
    const order = entryKeysInOrder(faulty.sandbox, SLUG, incidentNumber);
    const outOfOrder = clients(CLIENTS).filter((c) => {
      const mine = order.filter((k) => k.startsWith(`entry-c${c + 1}-`));
      return mine.some((k, i) => i > 0 && k <= (mine[i - 1] ?? ''));
    });
    const reader = faulty.clients[4] as Client;
    const folded = await new ShowIncident(reader.service).run(incidentNumber);
    const cleanFolded = await new ShowIncident((clean.clients[4] as Client).service).run(incidentNumber);
    const repaired = await new RepairIncident(reader.service).run(incidentNumber);
    const leaked = leaksOf(faulty);
    record({
      scenario: '1. log: 5 clients, one incident',
      size: `${SIZE.entries} entries`,
      lost: lost.length,
      duplicated: duplicated.length,
      crashes: faulty.outcome.crashes + outOfOrder.length,
      leaked,
      requests: faulty.requests,
      retries: faulty.requests - clean.requests,
      faults: faulty.faults,
      seconds: faulty.seconds,
      note: describeOutcome(faulty),
    });

    assert.deepEqual(lost, [], 'no entry lost');
    assert.deepEqual(duplicated, [], 'no entry written twice');
    assert.deepEqual(outOfOrder, [], "each client's entries are in the order it wrote them");
    assert.equal(faulty.outcome.crashes, 0, faulty.outcome.errors.map(errorText).join('\n'));
    assert.equal(faulty.outcome.gaveUp, 0);
    assert.deepEqual(
      comparable(folded),
      comparable(cleanFolded),
      'the folded incident is the one a fault-free run gives',
    );
    assert.equal(folded.timeline.length, SIZE.entries);
    assert.deepEqual(repaired.changed, [], 'body, labels and assignees were kept consistent with the timeline');
    // How many comments the body's marker says it folds depends on how the clients' comments interleaved.
    const withoutThrough = (body: string | null | undefined) => body?.replace(/,"through":\d+/, '');
    assert.equal(
      withoutThrough(faulty.sandbox.store.issue(SLUG, incidentNumber)?.body),
      withoutThrough(clean.sandbox.store.issue(SLUG, incidentNumber)?.body),
      'the issue body is the same as after a fault-free run',
    );
    assert.equal(leaked, 0);
    assert.ok(faulty.faults > 0, 'faults were injected');
    assertNoViolations(faulty.sandbox);
  });

  it(`${SIZE.declares} declares from ${CLIENTS} clients under ~10% faults make exactly ${SIZE.declares} issues, each as without faults`, async () => {
    const perClient = SIZE.declares / CLIENTS;
    const keyOf = (client: number, i: number) => `declare-c${client + 1}-${String(i).padStart(3, '0')}`;
    const severities = ['critical', 'major', 'minor', 'triage'] as const;
    const work = async (
      clients: readonly Client[],
      outcome: Outcome,
      clocks: readonly ReturnType<typeof settableClock>[],
    ) => {
      await Promise.all(
        clients.map(async (client, c) => {
          for (let i = 0; i < perClient; i++) {
            const key = keyOf(c, i);
            clocks[c]?.set(secondsAfter(`2026-11-23T1${c}:00:00Z`, i));
            const severity = severities[(i + c) % severities.length] ?? 'minor';
            await deliver(
              outcome,
              () =>
                new DeclareIncident(client.service).run({
                  title: `Incident ${c + 1}.${i}: payments degraded`,
                  severity,
                  description: `Declared by engineer ${c + 1}.`,
                  key,
                }),
              async () =>
                (await client.gateway.listIssues({ state: 'all' })).some((issue) => hasMarkerKey(issue.body, key)),
            );
          }
        }),
      );
    };
    const clean = await run(start, undefined, async () => {}, work);
    const faulty = await run(start, faultPlan(SEED + 2), async () => {}, work);

    const expected = clients(CLIENTS).flatMap((c) => Array.from({ length: perClient }, (_, i) => keyOf(c, i)));
    const counts = declarationKeyCounts(faulty.sandbox, SLUG);
    const { lost, duplicated } = lostAndDuplicated(expected, counts);
    const bodies = (sandbox: Sandbox) => new Map(sandbox.store.issues(SLUG).map((i) => [i.title, i.body]));
    const cleanBodies = bodies(clean.sandbox);
    const differing = [...bodies(faulty.sandbox)]
      .filter(([title, body]) => cleanBodies.get(title) !== body)
      .map(([title]) => title);
    const leaked = leaksOf(faulty);
    record({
      scenario: '2. declare: 5 clients',
      size: `${SIZE.declares} declares`,
      lost: lost.length,
      duplicated: duplicated.length,
      crashes: faulty.outcome.crashes + differing.length,
      leaked,
      requests: faulty.requests,
      retries: faulty.requests - clean.requests,
      faults: faulty.faults,
      seconds: faulty.seconds,
      note: describeOutcome(faulty),
    });
    assert.deepEqual(lost, []);
    assert.deepEqual(duplicated, []);
    assert.equal(faulty.sandbox.store.issues(SLUG).length, SIZE.declares, 'exactly one issue per declare');
    assert.deepEqual(differing, [], 'each issue is the one a fault-free declare makes');
    assert.equal(faulty.outcome.crashes, 0, faulty.outcome.errors.map(errorText).join('\n'));
    assert.equal(faulty.outcome.gaveUp, 0);
    assert.equal(leaked, 0);
    assertNoViolations(faulty.sandbox);
  });

  describe(`follow-ups from a ${SIZE.checklist}-item checklist under ~10% faults`, () => {
    before(buildAction);
    const checklist = (n: number) =>
      [
        '## Follow-ups',
        '',
        ...Array.from({ length: n }, (_, i) => {
          const owner =
            i % 3 === 0 ? ` @${ENGINEERS[i % CLIENTS]?.login ?? 'oncall-1'}` : i % 3 === 1 ? ' @someone-who-left' : '';
          return `- [ ] Follow-up ${i + 1}: add an alert for failure mode ${i + 1}${owner} due:2030-01-${String((i % 28) + 1).padStart(2, '0')} priority:P${i % 5}`;
        }),
        '',
        '## Notes',
        '- [ ] not an action item (outside the section)',
      ].join('\n');

    /** Open follow-up issues of an incident, by item key (from their body marker). */
    function openFollowUps(
      sandbox: Sandbox,
      incident: number,
    ): { open: Map<string, number>; closedDuplicates: number; duplicateNumbers: Set<number> } {
      const open = new Map<string, number>();
      const duplicateNumbers = new Set<number>();
      for (const issue of sandbox.store.issues(SLUG)) {
        const marker = readMarkers(issue.body ?? '', 'follow-up').find((m) => m['incident'] === incident);
        if (typeof marker?.['key'] !== 'string') continue;
        if (issue.state === 'open') open.set(marker['key'], (open.get(marker['key']) ?? 0) + 1);
        else if (issue.state_reason === 'duplicate') duplicateNumbers.add(issue.number);
      }
      return { open, closedDuplicates: duplicateNumbers.size, duplicateNumbers };
    }

    // The short run races two runs from scratch; the full run also reruns three times in a row, then twice at once.
    const variants = FULL
      ? (['3 runs in a row, then 2 at once', '2 runs at once from scratch, then 1 more'] as const)
      : (['2 runs at once from scratch, then 1 more'] as const);
    for (const variant of variants) {
      it(`${variant}: exactly ${SIZE.checklist} open follow-ups, and reruns create nothing`, async () => {
        let incidentNumber = 0;
        const results: (FollowUpResult | undefined)[] = [];
        const setup = async (clients: readonly Client[], clocks: readonly ReturnType<typeof settableClock>[]) => {
          const lead = clients[0] as Client;
          clocks[0]?.set('2026-11-23T09:00:00Z');
          if (variant.startsWith('3')) {
            const incident = await new DeclareIncident(lead.service).run({
              title: 'Retro with action items',
              severity: 'major',
              key: 'follow-up-incident',
            });
            incidentNumber = incident.number;
            await new Retro(lead.service).post(incident, `# Retro\n\n${checklist(SIZE.checklist)}`, 'retro-doc');
          } else {
            const incident = await new DeclareIncident(lead.service).run({
              title: 'Action items in the description',
              severity: 'major',
              description: checklist(SIZE.checklist),
              key: 'follow-up-incident',
            });
            incidentNumber = incident.number;
          }
        };
        const followUps = (client: Client) =>
          new FollowUps({ gateway: client.gateway, config: client.service.config, renderer: createRenderer() });
        const once = async (client: Client, outcome: Outcome, runKey: string) => {
          // A run that fails is a failed workflow run: it is run again, as a person re-runs the job (same run key).
          for (let attempt = 0; attempt < 5; attempt++) {
            try {
              return await followUps(client).run(incidentNumber, { runKey });
            } catch (error) {
              outcome.errors.push(error);
              if (!(error instanceof Error && 'code' in error)) {
                outcome.crashes++;
                return undefined;
              }
              outcome.surfaced++;
            }
          }
          outcome.gaveUp++;
          return undefined;
        };
        const work = async (clients: readonly Client[], outcome: Outcome) => {
          const [a, b, c, d, e] = clients as [Client, Client, Client, Client, Client];
          results.length = 0;
          if (variant.startsWith('3')) {
            for (const [i, client] of [a, b, c].entries()) results.push(await once(client, outcome, `run-${i}`));
            results.push(...(await Promise.all([d, e].map((client, i) => once(client, outcome, `run-${3 + i}`)))));
          } else {
            results.push(...(await Promise.all([a, b].map((client, i) => once(client, outcome, `run-${i}`)))));
            results.push(await once(c, outcome, 'run-2'));
          }
        };
        const clean = await run(start, undefined, setup, work);
        const faulty = await run(start, faultPlan(SEED + (variant.startsWith('3') ? 3 : 4)), setup, work);

        // The Action's follow-ups mode, run once more afterwards (full run), creates nothing either.
        const action = FULL
          ? await runAction(faulty.sandbox, {
              inputs: {
                mode: 'follow-ups',
                'github-token': ACTION_TOKEN,
                repository: SLUG,
                incident: String(incidentNumber),
              },
            })
          : undefined;
        const { open, closedDuplicates, duplicateNumbers } = openFollowUps(faulty.sandbox, incidentNumber);
        // What racing cost people: every notification about a follow-up that was created and closed again.
        const notifications = faulty.sandbox.store.notifications.filter((n) => duplicateNumbers.has(n.issue)).length;
        const expected = [...openFollowUps(clean.sandbox, incidentNumber).open.keys()];
        const { lost, duplicated } = lostAndDuplicated(expected, open);
        const reruns = variant.startsWith('3') ? results.slice(1) : results.slice(2);
        const createdByReruns =
          reruns.reduce((n, r) => n + (r?.created.length ?? 0), 0) +
          (action ? (JSON.parse(action.outputs['created'] ?? '[]') as number[]).length : 0);
        const leaked = leaksOf(faulty) + (action ? countLeaks(actionTexts(action)) : 0);
        record({
          scenario: `3. follow-ups: ${variant}`,
          size: `${SIZE.checklist} items`,
          lost: lost.length,
          duplicated: duplicated.length + createdByReruns,
          crashes: faulty.outcome.crashes,
          leaked,
          notifications,
          requests: faulty.requests,
          retries: faulty.requests - clean.requests,
          faults: faulty.faults,
          seconds: faulty.seconds,
          note: `${describeOutcome(faulty)}, ${closedDuplicates} racing duplicates closed`,
        });
        assert.equal(expected.length, SIZE.checklist, 'the fault-free run tracks every item');
        assert.deepEqual(lost, []);
        assert.deepEqual(duplicated, []);
        assert.equal(
          [...open.values()].reduce((s, n) => s + n, 0),
          SIZE.checklist,
          `exactly ${SIZE.checklist} open follow-up issues`,
        );
        assert.equal(createdByReruns, 0, 'reruns create nothing');
        assert.equal(closedDuplicates, 0, 'racing runs take turns: none creates a duplicate');
        assert.equal(notifications, 0, 'racing runs notify nobody about duplicates');
        if (action) assert.equal(action.code, 0, action.stdout);
        assert.equal(faulty.outcome.crashes, 0, faulty.outcome.errors.map(errorText).join('\n'));
        assert.equal(faulty.outcome.gaveUp, 0);
        assert.equal(leaked, 0);
        assertNoViolations(faulty.sandbox);
      });
    }
  });
});

function clients(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
