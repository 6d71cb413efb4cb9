import assert from 'node:assert/strict';
import { readMarker, readIncidentMarker } from '../../core/domain/event-log';
import type { Incident } from '../../core/domain/incident';
import type { IncidentContext } from '../../core/use-cases/incident-context';
import {
  memoryQueueStorage,
  OfflineQueue,
  type QueuedWrite,
  type QueueTarget,
} from '../../core/use-cases/offline-queue';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { REPO_SLUG as SLUG, wired } from '../support/fixtures';
import { DeclareIncident } from '../../core/use-cases/declare-incident';

/** The extension's session shape: the service and the gateway, with few create attempts (the queue retries). */
function targetFor(sandbox: Sandbox, viewBudgetMs = 300): QueueTarget {
  const { service, gateway } = wired(sandbox, { retries: 1, createAttempts: 2, viewBudgetMs });
  return { service, gateway };
}

describe('offline queue (never lose an entry)', () => {
  let sandbox: Sandbox;
  let service: IncidentContext;
  let target: QueueTarget;
  let incident: Incident;
  let clock: number;
  const now = () => new Date(clock);

  beforeEach(async () => {
    sandbox = await startSandbox();
    target = targetFor(sandbox);
    service = target.service;
    incident = await new DeclareIncident(service).run({ title: 'Checkout returns 500s', severity: 'major' });
    clock = Date.parse('2026-11-23T10:00:00Z');
  });

  afterEach(async () => {
    await sandbox.close();
    assert.deepEqual(sandbox.violations, [], "requests and responses follow GitHub's OpenAPI description");
  });

  const comments = () => sandbox.store.comments(SLUG, incident.number);
  const markers = () => comments().map((c) => readMarker(c.body, 'entry') as { key: string; text: string; at: string });
  const log = (text: string) => ({ type: 'log' as const, kind: 'action' as const, text });

  it('delivers at once when GitHub answers, and the queue is empty afterwards', async () => {
    const storage = memoryQueueStorage();
    const queue = new OfflineQueue({ storage, now });
    const delivery = await queue.submit(target, { incident }, log('Restarted the workers'));
    assert.equal(delivery.status, 'delivered');
    assert.equal(delivery.status === 'delivered' && delivery.entry?.kind, 'action');
    assert.equal(comments().length, 1);
    assert.deepEqual(storage.items, []);
  });

  it('an entry written while GitHub is down is saved, then delivered once with its key and original time', async () => {
    const storage = memoryQueueStorage();
    const queue = new OfflineQueue({ storage, now });
    sandbox.setDown(true);
    const delivery = await queue.submit(target, { incident }, log('Restarted the workers'));
    assert.equal(delivery.status, 'queued');
    assert.equal(storage.items.length, 1, 'saved before anything else');
    assert.equal(storage.items[0]?.at, '2026-11-23T10:00:00.000Z');
    assert.equal(comments().length, 0);

    clock += 5 * 60_000;
    sandbox.setDown(false);
    const flushed = await queue.flush(target);
    assert.equal(flushed.delivered.length, 1);
    assert.deepEqual(storage.items, []);
    assert.equal(comments().length, 1);
    assert.equal(markers()[0]?.key, delivery.key);
    assert.equal(markers()[0]?.at, '2026-11-23T10:00:00.000Z', 'the entry keeps the time it was written');

    await queue.flush(target, { force: true });
    assert.equal(comments().length, 1, 'flushing again writes nothing');
  });

  it('entries queued offline are delivered in the order they were written, and later ones wait behind them', async () => {
    const queue = new OfflineQueue({ storage: memoryQueueStorage(), now, baseRetryMs: 60_000 });
    sandbox.setDown(true);
    const first = await queue.submit(target, { incident }, log('one'));
    clock += 1000;
    sandbox.setDown(false);
    // GitHub answers again, but the retry of "one" is not due: "two" must not overtake it.
    const second = await queue.submit(target, { incident }, log('two'));
    clock += 1000;
    const third = await queue.submit(target, { incident }, log('three'));
    assert.deepEqual([first.status, second.status, third.status], ['queued', 'queued', 'queued']);
    assert.equal(comments().length, 0);

    await queue.flush(target, { force: true });
    assert.deepEqual(
      markers().map((m) => m.text),
      ['one', 'two', 'three'],
    );
    assert.deepEqual(queue.pending, []);
  });

  it('survives a window reload: a queue rebuilt from the same storage delivers what the old one held', async () => {
    const storage = memoryQueueStorage();
    sandbox.setDown(true);
    const before = new OfflineQueue({ storage, now });
    await before.submit(target, { incident }, log('Failed over to the replica'));
    await before.submit(target, { incident }, { type: 'update', text: 'Failed over; watching.', status: 'monitoring' });
    assert.equal(storage.items.length, 2);

    sandbox.setDown(false);
    const reloaded = new OfflineQueue({ storage, now });
    assert.equal(reloaded.pending.length, 2);
    const result = await reloaded.flush(target, { force: true });
    assert.equal(result.delivered.length, 2);
    assert.deepEqual(
      markers().map((m) => m.text),
      ['Failed over to the replica', 'Failed over; watching.'],
    );
    const body = sandbox.store.issue(SLUG, incident.number)?.body;
    assert.equal(
      readIncidentMarker(body)?.state.status,
      'monitoring',
      'a queued update also moves the issue (body and labels)',
    );
  });

  it('a write that landed although its answer was lost is not written again', async () => {
    const storage = memoryQueueStorage();
    const queue = new OfflineQueue({ storage, now });
    // The comment is created but the answer is a 502, and the gateway's own check for it fails too.
    sandbox.failNext('applied-502', 1, { method: 'POST', pathIncludes: '/comments' });
    sandbox.failNext('http503', 10, { method: 'GET', pathIncludes: '/comments' });
    const delivery = await queue.submit(target, { incident }, log('Purged the CDN cache'));
    assert.equal(delivery.status, 'queued');
    assert.equal(comments().length, 1, 'the first attempt did land');

    // GitHub stays flaky for a while: every retry first looks for the key, and finds it once reads work again.
    for (let i = 0; i < 10 && queue.pending.length > 0; i++) await queue.flush(target, { force: true });
    assert.deepEqual(queue.pending, []);
    assert.equal(comments().length, 1, 'exactly once');
    assert.equal(
      sandbox.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/comments')).length,
      1,
      'never posted again',
    );
  });

  it('an update whose comment landed but whose issue edit failed only finishes the edit', async () => {
    const queue = new OfflineQueue({ storage: memoryQueueStorage(), now });
    // Longer than the view write is retried (300 ms here).
    sandbox.injectFaults({ rate: 1, methods: ['PATCH'], kinds: ['http503'] });
    const delivery = await queue.submit(
      target,
      { incident },
      { type: 'update', text: 'Identified: a bad config push', status: 'identified' },
    );
    sandbox.injectFaults(undefined);
    assert.equal(delivery.status, 'queued');
    assert.equal(comments().length, 1);

    await queue.flush(target, { force: true });
    assert.equal(comments().length, 1);
    assert.equal(readIncidentMarker(sandbox.store.issue(SLUG, incident.number)?.body)?.state.status, 'identified');
  });

  it('a write GitHub rejects for good is parked and does not hold back the ones after it', async () => {
    const queue = new OfflineQueue({ storage: memoryQueueStorage(), now });
    const gone = { ...incident, number: 999 };
    const rejected = await queue.submit(target, { incident: gone }, log('On a deleted issue'));
    assert.equal(rejected.status, 'failed');
    const next = await queue.submit(target, { incident }, log('Still logging'));
    assert.equal(next.status, 'delivered');
    assert.equal(queue.pending.length, 1);
    assert.match(queue.pending[0]?.failed ?? '', /not found/);

    await queue.discard(rejected.key);
    assert.deepEqual(queue.pending, []);
  });

  it('backs off between automatic retries and says when the next one is due', async () => {
    const queue = new OfflineQueue({ storage: memoryQueueStorage(), now, baseRetryMs: 1000, maxRetryMs: 4000 });
    sandbox.setDown(true);
    await queue.submit(target, { incident }, log('one'));
    assert.equal(queue.nextRetryDelay(), 1000);
    clock += 1000;
    await queue.flush(target);
    assert.equal(queue.nextRetryDelay(), 2000);
    clock += 2000;
    await queue.flush(target);
    clock += 4000;
    await queue.flush(target);
    assert.equal(queue.nextRetryDelay(), 4000, 'capped');
    const notDue = await queue.flush(target);
    assert.equal(notDue.delivered.length, 0);
    assert.equal((queue.pending[0] as QueuedWrite).attempts, 4, 'a flush before the retry is due sends nothing');
  });
});
