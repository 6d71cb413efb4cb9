// What the views show: the active incidents of the repository, their timelines, and which one is current. Filled
// by refreshes and by the results of commands; the current incident survives a window reload (workspace state).
import { repoSlug, type Incident, type RepoRef, type TimelineEntry } from '../core/domain/incident';
import type { RetroDueRow } from '../core/use-cases/people-reminders';
import type { Session } from './session';
import { ListIncidents } from '../core/use-cases/list-incidents';
import { ShowIncident } from '../core/use-cases/show-incident';

/** VS Code's Memento, or a Map in tests. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export type LoadState = 'idle' | 'loading' | 'loaded' | 'error';

const CURRENT_KEY = 'firebreak.currentIncident';
/** Keys of the suggestions and nudges already shown (once per incident), newest last. */
const SHOWN_KEY = 'firebreak.shownOnce';
const SHOWN_MAX = 500;
/** Timelines are kept for this many incidents (the current one first). */
const DETAILS_PER_REFRESH = 10;
/**
 * A timeline is read again only when the listed issue changed since it was read (a comment moves updated_at). GitHub
 * keeps updated_at to the second, so an issue that changed this close to the read is read once more to be sure.
 */
const SETTLE_MS = 60_000;

interface SavedCurrent {
  readonly repo: string;
  readonly number: number;
  /** The incident as last seen, so the status bar can show it before the first request. */
  readonly snapshot?: Incident;
}

export class IncidentStore {
  private list: Incident[] = [];
  private readonly details = new Map<string, Incident>();
  /** When the read of each timeline in `details` started (local clock). */
  private readonly readAt = new Map<string, number>();
  private repoSlug: string | undefined;
  private saved: SavedCurrent | undefined;
  private readonly listeners = new Set<() => void>();
  state: LoadState = 'idle';
  lastError: unknown;
  private retros: RetroDueRow[] = [];

  constructor(
    private readonly memento: KeyValueStore,
    private readonly now: () => number = Date.now,
  ) {
    this.saved = memento.get<SavedCurrent>(CURRENT_KEY);
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get incidents(): readonly Incident[] {
    return this.list;
  }

  get repo(): string | undefined {
    return this.repoSlug;
  }

  /** Retros due on recently resolved incidents, soonest first (refreshed less often than the active list). */
  get retrosDue(): readonly RetroDueRow[] {
    return this.retros;
  }

  setRetrosDue(rows: readonly RetroDueRow[]): void {
    this.retros = [...rows];
    this.fire();
  }

  /** A retro was posted or skipped here: it is no longer due. */
  settleRetro(number: number): void {
    const before = this.retros.length;
    this.retros = this.retros.filter((r) => r.number !== number);
    if (this.retros.length !== before) this.fire();
  }

  /** True the first time it is asked for a key (kept across reloads): a suggestion or nudge shows once. */
  async once(key: string): Promise<boolean> {
    const shown = this.memento.get<string[]>(SHOWN_KEY) ?? [];
    if (shown.includes(key)) return false;
    await this.memento.update(SHOWN_KEY, [...shown, key].slice(-SHOWN_MAX));
    return true;
  }

  /** The current incident: the freshest copy known (with its timeline when loaded). */
  get current(): Incident | undefined {
    const saved = this.saved;
    if (!saved) return undefined;
    return this.find(saved.number, saved.repo) ?? saved.snapshot;
  }

  get currentNumber(): number | undefined {
    return this.saved?.number;
  }

  find(number: number, repo: string | undefined = this.repoSlug ?? this.saved?.repo): Incident | undefined {
    const key = `${repo}#${number}`;
    return this.details.get(key) ?? this.list.find((i) => i.number === number && repoSlug(i.repo) === repo);
  }

  /** The incident with its timeline, if it was loaded. */
  detail(number: number): Incident | undefined {
    const found = this.details.get(`${this.repoSlug ?? this.saved?.repo}#${number}`);
    return found?.timelineLoaded ? found : undefined;
  }

  /** Incidents whose timelines are loaded (for CodeLens). */
  get detailed(): Incident[] {
    return [...this.details.values()].filter((i) => i.timelineLoaded && this.list.some((l) => l.number === i.number));
  }

  /**
   * Reloads the active incidents (one list request) and the timelines that changed since they were read, so a poll
   * that finds nothing new is one request (answered 304). Throws (after recording the error) when GitHub fails.
   */
  async refresh(session: Session): Promise<void> {
    this.useRepo(session.repo);
    this.state = 'loading';
    this.fire();
    try {
      const active = await new ListIncidents(session.service).run();
      this.list = active;
      const current = this.saved && this.saved.repo === this.repoSlug ? this.saved.number : undefined;
      const wanted = [...active]
        .sort((a, b) => (a.number === current ? -1 : b.number === current ? 1 : 0))
        .slice(0, DETAILS_PER_REFRESH);
      const stale = wanted.filter((incident) => !this.isFresh(incident));
      const readAt = this.now();
      const shown = await Promise.all(stale.map((incident) => new ShowIncident(session.service).run(incident)));
      for (const incident of shown) this.setDetail(incident, readAt);
      for (const key of [...this.details.keys()]) {
        if (!active.some((i) => keyOf(i) === key)) this.deleteDetail(key);
      }
      if (current !== undefined) {
        const fresh = this.find(current);
        // Resolved elsewhere (or closed on GitHub): it is no longer current.
        await this.saveCurrent(fresh && fresh.status !== 'resolved' ? fresh : undefined);
      }
      this.state = 'loaded';
      this.lastError = undefined;
    } catch (error) {
      this.state = 'error';
      this.lastError = error;
      throw error;
    } finally {
      this.fire();
    }
  }

  /** Records a failure to load that happened before any list request (e.g. the session could not open). */
  fail(error: unknown): void {
    this.state = 'error';
    this.lastError = error;
    this.fire();
  }

  async loadDetail(session: Session, number: number): Promise<Incident> {
    this.useRepo(session.repo);
    const readAt = this.now();
    const incident = await new ShowIncident(session.service).run(this.find(number) ?? number);
    this.readAt.set(keyOf(incident), readAt);
    this.upsert(incident);
    return incident;
  }

  async setCurrent(incident: Incident | undefined): Promise<void> {
    if (incident) this.upsert(incident, { silent: true });
    await this.saveCurrent(incident);
    this.fire();
  }

  /** Takes a newer copy of an incident (from a command's result); a resolved one leaves the active list. */
  upsert(incident: Incident, options: { silent?: boolean } = {}): void {
    if (this.repoSlug === undefined) this.repoSlug = repoSlug(incident.repo);
    const key = keyOf(incident);
    const known = this.details.get(key);
    const merged =
      !incident.timelineLoaded && known?.timelineLoaded
        ? { ...incident, timeline: known.timeline, timelineLoaded: true }
        : incident;
    if (merged.timelineLoaded) this.details.set(key, merged);
    const active = merged.status !== 'resolved';
    const index = this.list.findIndex((i) => keyOf(i) === key);
    if (!active) {
      if (index >= 0) this.list.splice(index, 1);
      this.deleteDetail(key);
    } else if (index >= 0) this.list[index] = merged;
    else this.list.unshift(merged);
    if (this.saved && `${this.saved.repo}#${this.saved.number}` === key) {
      void this.saveCurrent(active ? merged : undefined);
    }
    if (!options.silent) this.fire();
  }

  /** Adds an entry a command just wrote to the incident's loaded timeline. */
  addEntry(incident: Incident, entry: TimelineEntry): void {
    const known = this.details.get(keyOf(incident));
    if (!known?.timelineLoaded || known.timeline.some((e) => e.key === entry.key)) return;
    this.details.set(keyOf(incident), { ...known, timeline: [...known.timeline, entry] });
    this.fire();
  }

  /** Forgets everything (sign-out, another repository). */
  async clear(options: { keepCurrent?: boolean } = {}): Promise<void> {
    this.list = [];
    this.details.clear();
    this.readAt.clear();
    this.state = 'idle';
    this.lastError = undefined;
    if (!options.keepCurrent) await this.saveCurrent(undefined);
    this.fire();
  }

  /** Whether the loaded timeline is current for the incident as listed now. */
  private isFresh(listed: Incident): boolean {
    const key = keyOf(listed);
    const known = this.details.get(key);
    const readAt = this.readAt.get(key);
    return (
      known?.timelineLoaded === true &&
      readAt !== undefined &&
      known.updatedAt === listed.updatedAt &&
      Date.parse(listed.updatedAt) < readAt - SETTLE_MS
    );
  }

  private setDetail(incident: Incident, readAt: number): void {
    this.details.set(keyOf(incident), incident);
    this.readAt.set(keyOf(incident), readAt);
  }

  private deleteDetail(key: string): void {
    this.details.delete(key);
    this.readAt.delete(key);
  }

  private useRepo(repo: RepoRef): void {
    const slug = repoSlug(repo);
    if (this.repoSlug !== undefined && this.repoSlug !== slug) {
      this.list = [];
      this.details.clear();
      this.readAt.clear();
    }
    this.repoSlug = slug;
  }

  private async saveCurrent(incident: Incident | undefined): Promise<void> {
    this.saved = incident
      ? {
          repo: repoSlug(incident.repo),
          number: incident.number,
          snapshot: { ...incident, timeline: [], timelineLoaded: false },
        }
      : undefined;
    await this.memento.update(CURRENT_KEY, this.saved);
  }

  private fire(): void {
    for (const listener of this.listeners) listener();
  }
}

function keyOf(incident: Pick<Incident, 'repo' | 'number'>): string {
  return `${repoSlug(incident.repo)}#${incident.number}`;
}
