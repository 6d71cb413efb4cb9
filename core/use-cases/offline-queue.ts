// A durable outbox for timeline writes ("never lose an entry"): an entry is saved before it is sent, delivered in
// order and exactly once (it keeps its idempotency key and the time it was written), and kept while GitHub fails.
import { randomUUID } from 'node:crypto';
import { describeError, FirebreakError } from '../domain/errors';
import {
  repoSlug,
  type CodeRef,
  type Incident,
  type LogKind,
  type Milestone,
  type TimelineEntry,
} from '../domain/incident';
import type { IssueGateway } from '../github/issue-gateway';
import type { IncidentContext } from './incident-context';
import { LogEntry } from './log-entry';
import { PostUpdate } from './post-update';
import { RepairIncident } from './repair-incident';

/** Where queued writes go: the use cases, and the gateway of the same repository for "did this key land?". */
export interface QueueTarget {
  readonly service: IncidentContext;
  readonly gateway: Pick<IssueGateway, 'repo' | 'hasCommentWithKey'>;
}

export interface PendingLog {
  readonly type: 'log';
  readonly kind: LogKind;
  readonly text: string;
  readonly destructive?: boolean;
  readonly code?: CodeRef;
}

export interface PendingUpdate {
  readonly type: 'update';
  readonly text: string;
  readonly status?: Milestone;
  readonly nextUpdateBy?: string;
  /** Published on the status page. */
  readonly public?: boolean;
  readonly publicTitle?: string;
}

export type PendingWrite = PendingLog | PendingUpdate;

/** The optional parts of an update, as both the first send and a resend write them. */
function updateOptions(
  write: PendingUpdate,
): Pick<PendingUpdate, 'status' | 'nextUpdateBy' | 'public' | 'publicTitle'> {
  return {
    ...(write.status ? { status: write.status } : {}),
    ...(write.nextUpdateBy ? { nextUpdateBy: write.nextUpdateBy } : {}),
    ...(write.public ? { public: true } : {}),
    ...(write.publicTitle ? { publicTitle: write.publicTitle } : {}),
  };
}

export interface QueuedWrite {
  /** The entry's idempotency key: however often it is sent, it is one entry. */
  readonly key: string;
  /** When the person wrote it, ISO 8601; the entry carries this time, not the delivery time. */
  readonly at: string;
  /** owner/name of the incident repository. */
  readonly repo: string;
  readonly issue: number;
  /** The incident's title when it was queued, to show it while offline. */
  readonly title: string;
  readonly write: PendingWrite;
  /** Sends started; above 0 a send may have landed, so the next one looks for the key first. */
  readonly attempts: number;
  readonly firstAttemptAt?: string;
  /** For updates: the comment is on GitHub; the issue's body and labels still have to follow. */
  readonly posted?: boolean;
  readonly nextAttemptAt?: string;
  readonly lastError?: string;
  /** A failure that retrying will not fix (deleted issue, rejected content): kept for the person to decide. */
  readonly failed?: string;
}

/** Where the queue lives between window reloads (VS Code's Memento, a file, memory in tests). */
export interface QueueStorage {
  read(): readonly QueuedWrite[] | undefined;
  write(items: readonly QueuedWrite[]): Promise<void>;
}

export function memoryQueueStorage(
  initial: readonly QueuedWrite[] = [],
): QueueStorage & { items: readonly QueuedWrite[] } {
  const storage = {
    items: initial,
    read: () => storage.items,
    write: async (items: readonly QueuedWrite[]) => {
      storage.items = JSON.parse(JSON.stringify(items)) as QueuedWrite[];
    },
  };
  return storage;
}

export interface SubmitTarget {
  /** The loaded incident (saves a read on the first send) or where it lives. */
  readonly incident: Incident;
}

export type Delivery =
  | { readonly status: 'delivered'; readonly key: string; readonly entry?: TimelineEntry; readonly incident?: Incident }
  | { readonly status: 'queued'; readonly key: string; readonly reason: string }
  | { readonly status: 'failed'; readonly key: string; readonly reason: string };

export interface FlushResult {
  readonly delivered: readonly QueuedWrite[];
  /** Why the flush stopped early (GitHub unavailable, not signed in), if it did. */
  readonly stoppedBy?: string;
}

export interface OfflineQueueOptions {
  readonly storage: QueueStorage;
  readonly now?: () => Date;
  readonly newKey?: () => string;
  /** First retry delay; doubles per failed attempt up to maxRetryMs. */
  readonly baseRetryMs?: number;
  readonly maxRetryMs?: number;
  readonly log?: { debug(message: string): void; warn(message: string): void };
}

/** Failures that mean "try again later": GitHub (or the network) did not answer, or asked us to wait. */
export function isTransient(error: unknown): boolean {
  if (error instanceof FirebreakError) return error.code === 'unavailable' || error.code === 'rate-limited';
  // Anything unexpected (a dropped connection surfacing oddly) is retried: dropping an entry is the worse failure.
  return true;
}

/** Failures that need the person to act (sign in again), not a retry and not a dead letter. */
function needsSignIn(error: unknown): boolean {
  return error instanceof FirebreakError && error.code === 'auth';
}

const LOOK_BACK_MS = 10 * 60_000;

export class OfflineQueue {
  private items: QueuedWrite[];
  private readonly now: () => Date;
  private readonly newKey: () => string;
  private readonly baseRetryMs: number;
  private readonly maxRetryMs: number;
  private readonly listeners = new Set<() => void>();
  /** Loaded incidents for writes queued in this window: the first send needs no read. */
  private readonly loaded = new Map<string, Incident>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: OfflineQueueOptions) {
    this.items = [...(options.storage.read() ?? [])];
    this.now = options.now ?? (() => new Date());
    this.newKey = options.newKey ?? randomUUID;
    this.baseRetryMs = options.baseRetryMs ?? 5_000;
    this.maxRetryMs = options.maxRetryMs ?? 5 * 60_000;
  }

  /** Everything not yet on GitHub, oldest first. */
  get pending(): readonly QueuedWrite[] {
    return this.items;
  }

  pendingFor(repo: string, issue: number): QueuedWrite[] {
    return this.items.filter((item) => item.repo === repo && item.issue === issue);
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Milliseconds until the next automatic retry is due; undefined when nothing waits for one. */
  nextRetryDelay(now: Date = this.now()): number | undefined {
    const waiting = this.items.filter((item) => !item.failed);
    if (waiting.length === 0) return undefined;
    const due = Math.min(...waiting.map((item) => (item.nextAttemptAt ? Date.parse(item.nextAttemptAt) : 0)));
    return Math.max(0, due - now.getTime());
  }

  /**
   * Saves the write, then delivers it (with anything queued before it) unless GitHub failed recently and the
   * retry is not due yet. Resolves once the write is on GitHub or safely queued.
   */
  async submit(
    to: QueueTarget,
    target: SubmitTarget,
    write: PendingWrite,
    options: { key?: string; at?: string } = {},
  ): Promise<Delivery> {
    const { incident } = target;
    const item: QueuedWrite = {
      key: options.key ?? this.newKey(),
      at: options.at ?? this.now().toISOString(),
      repo: repoSlug(incident.repo),
      issue: incident.number,
      title: incident.title,
      write,
      attempts: 0,
    };
    const waitingBefore = this.items.some(
      (queued) => !queued.failed && queued.nextAttemptAt && Date.parse(queued.nextAttemptAt) > this.now().getTime(),
    );
    this.items.push(item);
    this.loaded.set(item.key, incident);
    await this.save();
    if (waitingBefore) {
      return {
        status: 'queued',
        key: item.key,
        reason: 'GitHub did not answer a moment ago; earlier entries are waiting too.',
      };
    }
    const outcome = await this.flush(to, { force: true, until: item.key });
    const stillQueued = this.items.find((queued) => queued.key === item.key);
    if (!stillQueued) {
      const delivered = outcome.results.get(item.key);
      return {
        status: 'delivered',
        key: item.key,
        ...(delivered?.entry ? { entry: delivered.entry } : {}),
        ...(delivered?.incident ? { incident: delivered.incident } : {}),
      };
    }
    if (stillQueued.failed) return { status: 'failed', key: item.key, reason: stillQueued.failed };
    return {
      status: 'queued',
      key: item.key,
      reason: stillQueued.lastError ?? outcome.stoppedBy ?? 'Earlier entries are still waiting to be delivered.',
    };
  }

  /**
   * Delivers queued writes in order. Stops at the first write GitHub does not take for a transient reason (so
   * order holds); parks writes GitHub rejects for good. `force` ignores the backoff (GitHub just answered).
   */
  flush(
    to: QueueTarget,
    options: { force?: boolean; until?: string } = {},
  ): Promise<FlushResult & { results: Map<string, { entry?: TimelineEntry; incident?: Incident }> }> {
    const run = this.tail.then(() => this.doFlush(to, options));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Takes a parked (failed) write out of the queue for good, or forgets a pending one the person gave up on. */
  async discard(key: string): Promise<QueuedWrite | undefined> {
    const item = this.items.find((queued) => queued.key === key);
    if (!item) return undefined;
    this.items = this.items.filter((queued) => queued.key !== key);
    this.loaded.delete(key);
    await this.save();
    return item;
  }

  /** Puts a parked write back in line (after the person fixed the cause). */
  async retry(key: string): Promise<void> {
    this.items = this.items.map((queued) => {
      if (queued.key !== key) return queued;
      const { failed: _failed, nextAttemptAt: _next, ...rest } = queued;
      return rest;
    });
    await this.save();
  }

  private async doFlush(
    to: QueueTarget,
    options: { force?: boolean; until?: string },
  ): Promise<FlushResult & { results: Map<string, { entry?: TimelineEntry; incident?: Incident }> }> {
    const delivered: QueuedWrite[] = [];
    const results = new Map<string, { entry?: TimelineEntry; incident?: Incident }>();
    const slug = repoSlug(to.service.repo);
    for (const original of [...this.items]) {
      let item = this.items.find((queued) => queued.key === original.key);
      if (!item || item.failed) continue;
      // Writes for another repository wait for a session on that repository.
      if (item.repo !== slug) continue;
      if (!options.force && item.nextAttemptAt && Date.parse(item.nextAttemptAt) > this.now().getTime()) {
        return { delivered, results, stoppedBy: item.lastError ?? 'waiting to retry' };
      }
      item = await this.replace(item, {
        attempts: item.attempts + 1,
        firstAttemptAt: item.firstAttemptAt ?? this.now().toISOString(),
      });
      try {
        const result = await this.deliver(to, item);
        results.set(item.key, result);
        delivered.push(item);
        this.items = this.items.filter((queued) => queued.key !== item?.key);
        this.loaded.delete(item.key);
        await this.save();
        this.options.log?.debug(`delivered queued ${item.write.type} ${item.key} on ${item.repo}#${item.issue}`);
      } catch (error) {
        const reason = describeError(error);
        if (isTransient(error) || needsSignIn(error)) {
          const delay = Math.min(this.maxRetryMs, this.baseRetryMs * 2 ** Math.max(0, item.attempts - 1));
          await this.replace(item, {
            lastError: reason,
            nextAttemptAt: new Date(this.now().getTime() + delay).toISOString(),
          });
          this.options.log?.warn(
            `could not deliver ${item.write.type} on ${item.repo}#${item.issue} yet (${reason.split('\n')[0]}); retrying in ${Math.round(delay / 1000)} s`,
          );
          return { delivered, results, stoppedBy: reason };
        }
        await this.replace(item, { lastError: reason, failed: reason });
        this.options.log?.warn(
          `GitHub rejected the queued ${item.write.type} on ${item.repo}#${item.issue}: ${reason.split('\n')[0]}`,
        );
      }
      if (options.until === item.key) break;
    }
    return { delivered, results };
  }

  private async deliver(
    { service, gateway }: QueueTarget,
    item: QueuedWrite,
  ): Promise<{ entry?: TimelineEntry; incident?: Incident }> {
    const loaded = this.loaded.get(item.key);
    // The session's repository is the item's (checked by the caller), so the number locates it.
    const ref = loaded ?? item.issue;
    const mayHaveLanded = item.attempts > 1 || item.posted === true;
    const landed = mayHaveLanded && (item.posted || (await this.hasLanded(gateway, item)));
    const { write } = item;
    if (write.type === 'log') {
      if (landed) return {};
      const entry = await new LogEntry(service).run(ref, {
        kind: write.kind,
        text: write.text,
        key: item.key,
        at: item.at,
        ...(write.destructive ? { destructive: true } : {}),
        ...(write.code ? { code: write.code } : {}),
      });
      return { entry };
    }
    if (!mayHaveLanded && loaded) {
      // First send, right after it was written: the normal use case (comment, then body and labels).
      const incident = await new PostUpdate(service).run(loaded, {
        text: write.text,
        key: item.key,
        ...updateOptions(write),
      });
      return { incident };
    }
    if (!landed) {
      await service.append(item.issue, {
        kind: 'update',
        key: item.key,
        at: item.at,
        by: service.actor,
        text: write.text,
        ...updateOptions(write),
      });
      await this.replace(item, { posted: true });
    }
    // The comment is the truth; the body, labels and open/closed state are recomputed from the comments.
    const { incident } = await new RepairIncident(service).run(item.issue);
    return { incident };
  }

  private async hasLanded(gateway: QueueTarget['gateway'], item: QueuedWrite): Promise<boolean> {
    const since = new Date(Date.parse(item.firstAttemptAt ?? item.at) - LOOK_BACK_MS).toISOString();
    return gateway.hasCommentWithKey(item.issue, item.key, since);
  }

  private async replace(item: QueuedWrite, changes: Partial<QueuedWrite>): Promise<QueuedWrite> {
    const next = { ...item, ...changes } as QueuedWrite;
    this.items = this.items.map((queued) => (queued.key === item.key ? next : queued));
    await this.save();
    return next;
  }

  private async save(): Promise<void> {
    await this.options.storage.write(this.items);
    for (const listener of this.listeners) listener();
  }
}
