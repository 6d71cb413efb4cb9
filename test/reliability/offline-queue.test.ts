// The extension's offline queue: entries (and updates) written while GitHub is unreachable are saved, survive a
// window reload (a queue rebuilt from the same storage), and are delivered exactly once and in order when GitHub
// answers again, even while ~10% of its answers still fail. Built as the extension builds it: openSession's gateway
// (two create attempts, two retries) and its log standing in for the Firebreak output channel.
import assert from 'node:assert/strict';
import { defaultConfig } from '../../core/domain/config';
import type { Incident, LogKind } from '../../core/domain/incident';
import { memoryQueueStorage, OfflineQueue, type PendingWrite } from '../../core/use-cases/offline-queue';
import { formatError } from '../../extension/error-format';
import { openSession, type Session } from '../../extension/session';
import type { Sandbox } from '../../sandbox/server';
import {
  assertNoViolations,
  captureLog,
  countLeaks,
  entryKeyCounts,
  entryKeysInOrder,
  ENGINEERS,
  FAST_CLIENT,
  faultPlan,
  lostAndDuplicated,
  REPO,
  sandboxesForEachTest,
  seconds,
  SEED,
  SIZE,
  SLUG,
  visibleText,
  type CapturedLog,
  type Engineer,
} from './support';
import { record } from './table';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { RepairIncident } from '../../core/use-cases/repair-incident';
import { ShowIncident } from '../../core/use-cases/show-incident';

const KINDS: readonly LogKind[] = ['action', 'observation', 'decision', 'question', 'theory'];

function writeNumber(i: number): PendingWrite {
  if (i % 10 === 9)
    return {
      type: 'update',
      text: `Update ${i}: still failing over.`,
      status: i % 20 === 19 ? 'monitoring' : 'identified',
    };
  return { type: 'log', kind: KINDS[i % KINDS.length] ?? 'action', text: `Offline entry ${i}` };
}

interface QueueRun {
  readonly sandbox: Sandbox;
  readonly keys: string[];
  readonly ats: Map<string, string>;
  readonly incident: Incident;
  readonly log: CapturedLog;
  readonly errors: string[];
  readonly requests: number;
  readonly faults: number;
  readonly seconds: number;
  /** Writes still in the queue (pending or parked) at the end. */
  readonly left: number;
}

async function queueRun(start: () => Promise<Sandbox>, offline: boolean): Promise<QueueRun> {
  const sandbox = await start();
  const log = captureLog();
  const engineer = ENGINEERS[0] as Engineer;
  const session: Session = await openSession({
    token: engineer.token,
    apiUrl: sandbox.url,
    repo: REPO,
    config: defaultConfig(),
    templates: {},
    log,
    ...FAST_CLIENT,
  });
  const incident = await new DeclareIncident(session.service).run({
    title: 'Primary database unreachable',
    severity: 'critical',
  });
  const storage = memoryQueueStorage();
  const errors: string[] = [];
  const newQueue = () => new OfflineQueue({ storage, log, baseRetryMs: 60_000 });
  let queue = newQueue();
  const before = sandbox.requests.length;
  const started = Date.now();
  if (offline) sandbox.setDown(true);
  const keys: string[] = [];
  for (let i = 0; i < SIZE.queued; i++) {
    // Halfway, the window reloads: the old queue object is gone, a new one reads the same storage.
    if (i === SIZE.queued / 2) queue = newQueue();
    const delivery = await queue.submit(session, { incident }, writeNumber(i), {
      key: `queued-${String(i).padStart(4, '0')}`,
    });
    keys.push(delivery.key);
    if (delivery.status === 'failed') errors.push(delivery.reason);
  }
  const ats = new Map(storage.items.map((item) => [item.key, item.at]));
  if (offline) {
    assert.equal(storage.items.length, SIZE.queued, 'everything written offline is saved');
    queue = newQueue();
    sandbox.setDown(false);
    sandbox.injectFaults(faultPlan(SEED + 5));
    // The extension retries when the backoff is due or GitHub answers again; `force` stands in for the timer.
    for (let round = 0; round < 100 && queue.pending.some((item) => !item.failed); round++) {
      try {
        await queue.flush(session, { force: true });
      } catch (error) {
        errors.push(formatError(error, 'Deliver queued entries').logLine);
      }
    }
    sandbox.injectFaults(undefined);
    await newQueue().flush(session, { force: true });
  }
  const during = sandbox.requests.slice(before);
  return {
    sandbox,
    keys,
    ats,
    incident,
    log,
    errors,
    requests: during.length,
    faults: during.filter((r) => r.fault !== undefined).length,
    seconds: seconds(started),
    left: storage.items.length,
  };
}

async function repairChanges(run: QueueRun): Promise<string[]> {
  const session = await openSession({
    token: (ENGINEERS[2] as Engineer).token,
    apiUrl: run.sandbox.url,
    repo: REPO,
    config: defaultConfig(),
    templates: {},
    log: captureLog(),
    ...FAST_CLIENT,
  });
  return (await new RepairIncident(session.service).run(run.incident.number)).changed;
}

describe('reliability: offline queue (extension)', function () {
  this.timeout(5 * 60_000);
  const start = sandboxesForEachTest();

  it(`${SIZE.queued} entries and updates written while GitHub is down, across a reload, land exactly once and in order once it answers (with ~10% faults)`, async () => {
    const online = await queueRun(start, false);
    const offline = await queueRun(start, true);

    const counts = entryKeyCounts(offline.sandbox, SLUG, offline.incident.number);
    const { lost, duplicated } = lostAndDuplicated(offline.keys, counts);
    const order = entryKeysInOrder(offline.sandbox, SLUG, offline.incident.number);
    const inOrder = JSON.stringify(order) === JSON.stringify(offline.keys);
    const folded = await new ShowIncident(
      (
        await openSession({
          token: (ENGINEERS[1] as Engineer).token,
          apiUrl: offline.sandbox.url,
          repo: REPO,
          config: defaultConfig(),
          templates: {},
          log: captureLog(),
          ...FAST_CLIENT,
        })
      ).service,
    ).run(offline.incident.number);
    const timesKept = folded.timeline.every((entry) => entry.at === offline.ats.get(entry.key));
    const leaked = countLeaks([...offline.log.lines, ...offline.errors, ...visibleText(offline.sandbox)]);
    record({
      scenario: '5. offline queue: down, reload, back',
      size: `${SIZE.queued} writes`,
      lost: lost.length,
      duplicated: duplicated.length,
      crashes: offline.errors.length + (inOrder ? 0 : 1) + (timesKept ? 0 : 1),
      leaked,
      requests: offline.requests,
      retries: offline.requests - online.requests,
      faults: offline.faults,
      seconds: offline.seconds,
      note: `${offline.left} left in the queue; order ${inOrder ? 'kept' : 'BROKEN'}`,
    });

    assert.deepEqual(lost, []);
    assert.deepEqual(duplicated, []);
    assert.deepEqual(order, offline.keys, 'delivered in the order they were written');
    assert.ok(timesKept, 'each entry keeps the time it was written, not the time it was delivered');
    assert.deepEqual(offline.errors, []);
    assert.equal(offline.left, 0, 'the queue is empty');
    const lastUpdate = [...Array(SIZE.queued).keys()]
      .map(writeNumber)
      .filter((w) => w.type === 'update')
      .at(-1);
    assert.equal(
      folded.status,
      lastUpdate?.type === 'update' ? lastUpdate.status : 'declared',
      'the queued updates moved the incident',
    );
    assert.deepEqual(await repairChanges(offline), [], 'body and labels follow the comments');
    assert.deepEqual(
      folded.timeline.map((e) => e.key),
      offline.keys,
    );
    assert.equal(leaked, 0);
    assertNoViolations(offline.sandbox);
  });
});
