// A lock around one piece of work that must not run twice at once (creating the follow-ups of an incident), made
// so that it notifies nobody: a repository label. GitHub keeps label names unique, so creating one is a
// create-if-absent that exactly one of several racing runs wins, and creating, editing or deleting a label sends
// no notification (a claim comment would notify everyone watching the incident; edits of a comment are
// last-writer-wins, so they cannot decide a race).
//
// The description names the holder's run key and when it last showed life. A run that finds the lock held waits for
// it. A crashed holder is recovered from: a lock whose run key is the caller's own (a rerun of the same workflow run,
// or a create that landed but answered an error) is taken up again at once; a lock whose description has not
// changed for `leaseMs` while watched, or whose own time is older than `staleMs`, is deleted and taken over.
import { createHash } from 'node:crypto';
import { FirebreakError, GitHubError } from '../domain/errors';
import type { IssueGateway } from '../github/issue-gateway';

export interface LockTimings {
  /** A held lock shows life at least this often (its description is rewritten). Default 30 s. */
  readonly heartbeatMs?: number;
  /**
   * A lock whose description stays the same this long while watched belongs to a run that died. Default 10 min: longer
   * than one request can take with GitHub's rate-limit waits, during which the holder cannot show life.
   */
  readonly leaseMs?: number;
  /** A lock that says it was last alive longer ago than this is stale at once (clocks differ). Default 30 min. */
  readonly staleMs?: number;
  /** How often a waiting run looks at the lock. Default 2 s. */
  readonly pollMs?: number;
  /** How long a run waits for a lock before it gives up (longer than the lease). Default 20 min. */
  readonly maxWaitMs?: number;
}

export interface LockOptions extends LockTimings {
  /** The label's name (at most 50 characters). */
  readonly name: string;
  /** What the lock guards, for its description and messages: e.g. `the follow-ups of #12`. */
  readonly guards: string;
  /** Identifies the run; a rerun of the same run (same key) takes its own lock up again. */
  readonly runKey: string;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
}

export type Acquired =
  | { readonly held: true; readonly waitedMs: number; readonly tookOverFrom?: string }
  /** The lock could not be taken (no permission to create labels): the caller goes on without it. */
  | { readonly held: false; readonly reason: string };

const COLOR = 'ededed';

/** A run key as it fits a label description: short and plain, else a hash of it. */
export function lockRunKey(key: string): string {
  return /^[A-Za-z0-9._-]{1,16}$/.test(key) ? key : createHash('sha256').update(key).digest('hex').slice(0, 16);
}

interface Holder {
  readonly run: string;
  readonly at: number;
}

function readHolder(description: string | null): Holder | undefined {
  const match = /\brun=([A-Za-z0-9._-]+) at=(\S+)$/.exec(description ?? '');
  if (!match?.[1] || !match[2]) return undefined;
  const at = Date.parse(match[2]);
  return Number.isNaN(at) ? undefined : { run: match[1], at };
}

export class LabelLock {
  private readonly runKey: string;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private lastBeat = 0;
  private held = false;

  constructor(
    private readonly gateway: IssueGateway,
    private readonly options: LockOptions,
  ) {
    this.runKey = lockRunKey(options.runKey);
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Takes the lock, waiting while another live run holds it. */
  async acquire(): Promise<Acquired> {
    const { name } = this.options;
    const leaseMs = this.options.leaseMs ?? 10 * 60_000;
    const staleMs = this.options.staleMs ?? 30 * 60_000;
    const start = this.now().getTime();
    let watched: { description: string | null; since: number } | undefined;
    let tookOverFrom: string | undefined;
    for (;;) {
      try {
        if (await this.gateway.createLabel({ name, color: COLOR, description: this.description() })) {
          return this.took(start, tookOverFrom);
        }
      } catch (error) {
        if (error instanceof GitHubError && error.code === 'permission') {
          return {
            held: false,
            reason: `could not create the label "${name}" that keeps runs apart (${error.message})`,
          };
        }
        throw error;
      }
      const label = await this.gateway.getLabel(name);
      if (!label) continue; // Released just now: try again.
      const holder = readHolder(label.description);
      if (holder?.run === this.runKey) {
        // Our own: a create that landed but answered an error, or a rerun of the same run after a failure.
        await this.beat(true);
        return this.took(start, tookOverFrom);
      }
      const now = this.now().getTime();
      if (watched?.description !== label.description) watched = { description: label.description, since: now };
      const stale = (holder !== undefined && now - holder.at > staleMs) || now - watched.since >= leaseMs;
      if (stale) {
        // The holder stopped showing life: it died. Delete its lock; the create above decides who takes over.
        await this.gateway.deleteLabel(name);
        tookOverFrom = holder?.run ?? 'unknown';
        watched = undefined;
        continue;
      }
      if (now - start >= (this.options.maxWaitMs ?? 20 * 60_000)) {
        throw new FirebreakError(
          'conflict',
          `Another Firebreak run (${holder ? `run ${holder.run}` : 'unknown'}) is still working on ${this.options.guards}.`,
          `Run again when it has finished; if no run is active, delete the label "${name}".`,
        );
      }
      await this.sleep(this.options.pollMs ?? 2000);
    }
  }

  /** Shows life while working (rewrites the description when a heartbeat is due); never fails the work. */
  async beat(force = false): Promise<void> {
    if (!this.held && !force) return;
    const now = this.now().getTime();
    if (!force && now - this.lastBeat < (this.options.heartbeatMs ?? 30_000)) return;
    try {
      if (await this.gateway.updateLabelDescription(this.options.name, this.description())) this.lastBeat = now;
    } catch (error) {
      if (!(error instanceof GitHubError)) throw error;
    }
  }

  /** Deletes the lock if it is still this run's. Returns a warning when it could not. */
  async release(): Promise<string | undefined> {
    if (!this.held) return undefined;
    this.held = false;
    const { name } = this.options;
    try {
      const label = await this.gateway.getLabel(name);
      if (!label || readHolder(label.description)?.run !== this.runKey) return undefined;
      await this.gateway.deleteLabel(name);
      return undefined;
    } catch (error) {
      if (!(error instanceof GitHubError)) throw error;
      const minutes = Math.ceil((this.options.leaseMs ?? 10 * 60_000) / 60_000);
      return `Could not delete the label "${name}" (${error.message}); other runs take it over after ${minutes} min.`;
    }
  }

  private took(start: number, tookOverFrom: string | undefined): Acquired {
    this.held = true;
    this.lastBeat = Math.max(this.lastBeat, this.now().getTime());
    const waitedMs = this.now().getTime() - start;
    return tookOverFrom ? { held: true, waitedMs, tookOverFrom } : { held: true, waitedMs };
  }

  private description(): string {
    const at = this.now()
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    const tail = ` run=${this.runKey} at=${at}`;
    return `Firebreak lock: ${this.options.guards}`.slice(0, 100 - tail.length) + tail;
  }
}
