import assert from 'node:assert/strict';
import { Poller, RetryTimer, type Timers } from '../../extension/schedules';

class FakeTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, { callback: () => void; ms: number }>();
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { callback, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  delays(): number[] {
    return [...this.pending.values()].map((p) => p.ms);
  }
  fire(): void {
    const [id, entry] = [...this.pending.entries()][0] ?? [];
    if (id === undefined || !entry) throw new Error('no timer pending');
    this.pending.delete(id);
    entry.callback();
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('schedules', () => {
  it('polls at once when it becomes active, then every interval, and stops when inactive', async () => {
    const timers = new FakeTimers();
    let ticks = 0;
    const poller = new Poller(
      async () => void ticks++,
      () => 60_000,
      timers,
    );
    poller.setActive(true);
    await settle();
    assert.equal(ticks, 1);
    assert.deepEqual(timers.delays(), [60_000]);
    timers.fire();
    await settle();
    assert.equal(ticks, 2);
    poller.setActive(false);
    assert.deepEqual(timers.delays(), []);
  });

  it('a failing tick does not stop polling', async () => {
    const timers = new FakeTimers();
    const poller = new Poller(
      async () => Promise.reject(new Error('offline')),
      () => 30_000,
      timers,
    );
    poller.setActive(true);
    await settle();
    assert.deepEqual(timers.delays(), [30_000]);
  });

  it('retries the queue when the next retry is due, and idles when nothing could be sent', async () => {
    const timers = new FakeTimers();
    let delay: number | undefined = 5_000;
    let flushes = 0;
    const retry = new RetryTimer(
      () => delay,
      async () => void flushes++,
      timers,
    );
    retry.reschedule();
    assert.deepEqual(timers.delays(), [5_000]);
    delay = 0; // still due after the flush: signed out, say
    timers.fire();
    await settle();
    assert.equal(flushes, 1);
    assert.deepEqual(timers.delays(), [30_000]);
    delay = undefined;
    retry.reschedule();
    assert.deepEqual(timers.delays(), []);
  });
});
