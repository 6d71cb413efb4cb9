// Delivery of the offline queue: kept in workspace state (it survives reloads, and one window per workspace
// delivers it), flushed by a retry timer on its backoff, and first retried a little after start.
import type * as vscode from 'vscode';
import type { Logger } from '../../core/github/github-client';
import { OfflineQueue, type QueuedWrite, type QueueStorage } from '../../core/use-cases/offline-queue';
import { RetryTimer } from '../schedules';
import type { SessionManager } from '../session';

const QUEUE_KEY = 'firebreak.offlineQueue';
/** Entries left from an earlier window are retried a little after start, never during activation. */
const FIRST_QUEUE_RETRY_MS = 10_000;

export class QueueDelivery implements vscode.Disposable {
  readonly queue: OfflineQueue;
  private readonly retryTimer: RetryTimer;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    workspaceState: vscode.Memento,
    private readonly sessions: SessionManager,
    private readonly log: vscode.LogOutputChannel,
    coreLog: Logger,
  ) {
    const storage: QueueStorage = {
      read: () => workspaceState.get<QueuedWrite[]>(QUEUE_KEY),
      write: (items) => Promise.resolve(workspaceState.update(QUEUE_KEY, items)),
    };
    this.queue = new OfflineQueue({ storage, log: coreLog });
    this.retryTimer = new RetryTimer(
      () => this.queue.nextRetryDelay(),
      () => this.flush(),
    );
    this.subscriptions.push(
      this.retryTimer,
      this.queue.onDidChange(() => this.retryTimer.reschedule()),
    );
  }

  /** Delivers what is due, when a session can be had without asking. */
  async flush(): Promise<void> {
    if (this.queue.pending.length === 0) return;
    const session = await this.sessions.get(false);
    if (session) await this.queue.flush(session);
  }

  /** Entries left from an earlier window: retried shortly, after activation has returned. */
  startAfterActivation(): void {
    const waiting = this.queue.pending.length;
    if (waiting === 0) return;
    this.log.info(`${waiting} entr${waiting === 1 ? 'y waits' : 'ies wait'} to be delivered; retrying shortly`);
    const first = setTimeout(() => this.retryTimer.reschedule(), FIRST_QUEUE_RETRY_MS);
    this.subscriptions.push({ dispose: () => clearTimeout(first) });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
