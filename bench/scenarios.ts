// The operations the budgets are about, each as an edge runs it: a client with the product's defaults (write
// spacing, retries, ETag cache), the core use case, and whatever must be reset between runs. The benchmark times
// them at several latencies; test/bench/budgets.test.ts counts their requests at 0 ms.
import { defaultConfig, parseRepo, type FirebreakConfig } from '../core/domain/config';
import { FollowUps } from '../core/use-cases/follow-ups';
import { checkFreeze, readFreezeIssues } from '../core/use-cases/freeze-decision';
import { OctokitCommitStatusGateway } from '../core/github/commit-statuses';
import { syncFreezeStatuses } from '../core/use-cases/freeze-statuses';
import { silentLogger, type ClientOptions } from '../core/github/github-client';
import type { IncidentContext } from '../core/use-cases/incident-context';
import type { Incident, RepoRef } from '../core/domain/incident';
import { trustOf } from '../core/domain/trust';
import { incidentFromIssue } from '../core/domain/issue-view';
import { createRenderer, type Renderer } from '../core/domain/render';
import { Status, type StatusResult } from '../core/use-cases/status';
import { StatusPage } from '../core/use-cases/status-page';
import { alertIntake, connect, incidentHistory, incidentContext } from '../core/wiring';
import type { GitRepository } from '../core/use-cases/incident-history';
import { IncidentStore, type KeyValueStore } from '../extension/incident-store';
import { openSession, type Session } from '../extension/session';
import type { Sandbox } from '../sandbox/server';
import { ACTOR, TOKEN } from './seed';
import { ChangeSeverity } from '../core/use-cases/change-severity';
import { ChangeStatus } from '../core/use-cases/change-status';
import { DeclareIncident } from '../core/use-cases/declare-incident';
import { LogEntry } from '../core/use-cases/log-entry';
import { ShowIncident } from '../core/use-cases/show-incident';

export interface Env {
  readonly sandbox: Sandbox;
  readonly config: FirebreakConfig;
  /** Shared across runs, as in a session that has rendered before (templates compiled). */
  readonly renderer: Renderer;
  /** Client options on top of the product defaults; the benchmark passes none, tests pass `writeSpacingMs: 0`. */
  readonly client: Partial<ClientOptions>;
}

export function parseRepoOrThrow(slug: string): RepoRef {
  const repo = parseRepo(slug);
  if (!repo) throw new Error(`"${slug}" is not owner/name`);
  return repo;
}

export function env(sandbox: Sandbox, client: Partial<ClientOptions> = {}): Env {
  return { sandbox, config: defaultConfig(), renderer: createRenderer(), client };
}

/** A fresh gateway and service, as a CLI command or the Action builds them (a new client: empty ETag cache). */
export function edge(e: Env, repo: string) {
  const connection = connect(
    { config: e.config, repository: parseRepoOrThrow(repo), apiUrl: e.sandbox.url, webUrl: e.sandbox.webUrl },
    { token: TOKEN, ...e.client },
  );
  // The token is ACTOR's, as the CLI knows once it asked (its identity cache): Firebreak's own comments need no
  // permission read; everyone else's do.
  connection.authority.trustAsSelf(ACTOR);
  return {
    client: connection.client,
    gateway: connection.gateway,
    authority: connection.authority,
    service: incidentContext(connection, { actor: ACTOR }),
  };
}

/** The incident as an edge holds it after listing it (read here, untimed): acting on it needs no extra read. */
export async function loaded(e: Env, repo: string, issueNumber: number): Promise<Incident> {
  const { gateway } = edge(e, repo);
  const issue = await gateway.getIssue(issueNumber);
  // The bench's issues are all the token's: trusted, as the edge that listed them would have found.
  return incidentFromIssue({ repo: gateway.repo, issue, config: e.config }, trustOf([issue.author]));
}

export type Op = () => Promise<unknown>;

export function declareOp(e: Env, repo: string, n: number): Op {
  const { service } = edge(e, repo);
  return () =>
    new DeclareIncident(service).run({
      title: `Benchmark declare ${n}`,
      severity: 'minor',
      description: 'Latency of the checkout API is up.',
    });
}

export function logOp(e: Env, repo: string, incident: Incident, n: number): Op {
  const { service } = edge(e, repo);
  return () =>
    new LogEntry(service).run(incident, { kind: 'observation', text: `Benchmark observation ${n}: p95 is 1.2 s.` });
}

export function severityOp(e: Env, repo: string, incident: Incident): Op {
  const { service } = edge(e, repo);
  const to = incident.severity === 'major' ? 'critical' : 'major';
  return () => settled(service, new ChangeSeverity(service).run(incident, to, 'Benchmark'));
}

/**
 * Alerts in, as `firebreak serve` holds its receiver: one client for every delivery (its ETag cache), so a repeat
 * of an alert whose incident is open is one list request answered 304.
 */
export function alertReceiver(e: Env, repo: string): { deliver(fingerprint: string): Op } {
  const connection = connect(
    { config: e.config, repository: parseRepoOrThrow(repo), apiUrl: e.sandbox.url, webUrl: e.sandbox.webUrl },
    { token: TOKEN, ...e.client },
  );
  // The token is ACTOR's, as the CLI knows once it asked (its identity cache): Firebreak's own comments need no
  // permission read; everyone else's do.
  connection.authority.trustAsSelf(ACTOR);
  const intake = alertIntake(connection, ACTOR);
  return {
    deliver: (fingerprint) => () =>
      intake.receive({
        source: 'generic',
        fingerprint,
        status: 'firing',
        title: `Benchmark alert ${fingerprint}`,
        description: 'Error rate above 5%.',
        labels: {},
      }),
  };
}

/** A change's answer, then the check that follows it (one read), as the CLI waits for it before exiting. */
async function settled<T>(service: IncidentContext, change: Promise<T>): Promise<T> {
  const result = await change;
  await service.settle();
  return result;
}

export function statusOp(e: Env, repo: string, incident: Incident): Op {
  const { service } = edge(e, repo);
  const to = incident.status === 'identified' ? 'investigating' : 'identified';
  return () => settled(service, new ChangeStatus(service).run(incident, to));
}

/** `show` twice on one client: the first reads everything, the second is answered 304 throughout. */
export function showOps(e: Env, repo: string, issueNumber: number): { first: Op; again: Op } {
  const { service } = edge(e, repo);
  return {
    first: () => new ShowIncident(service).run(issueNumber),
    again: () => new ShowIncident(service).run(issueNumber),
  };
}

/** A checkout where nothing changed since the entries were logged: git is local, the budget is GitHub's. */
const UNCHANGED_CHECKOUT: GitRepository = { diff: async () => '', mergeBase: async (a) => a };

/** `mode: review` as the Action runs it: list the incidents with code references, read their timelines, match. */
export function reviewOp(e: Env, repo: string): Op {
  const connection = connect(
    { config: e.config, repository: parseRepoOrThrow(repo), apiUrl: e.sandbox.url, webUrl: e.sandbox.webUrl },
    { token: TOKEN, ...e.client },
  );
  // The token is ACTOR's, as the CLI knows once it asked (its identity cache): Firebreak's own comments need no
  // permission read; everyone else's do.
  connection.authority.trustAsSelf(ACTOR);
  const history = incidentHistory(connection, { git: UNCHANGED_CHECKOUT, codeRepo: parseRepoOrThrow(repo) });
  return () => history.review('b'.repeat(40), 'c'.repeat(40));
}

export function freezeOp(e: Env, repo: string): Op {
  const { gateway, authority } = edge(e, repo);
  return () => checkFreeze(gateway, e.config, { authority });
}

/** `count` open pull requests into main, each with a head commit, and the default branch's head. */
export function seedPulls(sandbox: Sandbox, repo: string, count: number): void {
  sandbox.store.setBranchDirect(repo, 'main', 'f'.repeat(40));
  for (let i = 0; i < count; i++) {
    const headSha = (i + 1).toString(16).padStart(40, '0');
    sandbox.store.createPullDirect(repo, { title: `Bench change ${i}`, body: 'A change.', headSha });
  }
}

/**
 * The Action's status sync on an `issues` event (mode: freeze): the incident list and the default branch's status
 * (the record of the last decision); when the decision differs, the open pull requests and a write per flip.
 */
export function freezeStatusSyncOp(e: Env, repo: string): Op {
  const { gateway, client, authority } = edge(e, repo);
  return async () =>
    syncFreezeStatuses(new OctokitCommitStatusGateway(gateway.repo, client), {
      config: e.config,
      read: await readFreezeIssues(gateway, e.config, { authority }),
      authority,
      defaultBranch: 'main',
    });
}

export function followUpsOp(e: Env, repo: string, issueNumber: number): Op {
  const { gateway, authority } = edge(e, repo);
  return () => new FollowUps({ gateway, config: e.config, renderer: e.renderer, authority }).run(issueNumber);
}

/** The status page's build (the site rendered in memory; writing it to disk is no request). */
export function statusPageOp(e: Env, repo: string): Op {
  const { gateway, authority } = edge(e, repo);
  return () => new StatusPage({ gateway, config: e.config, authority }).build({ title: 'Benchmark status' });
}

/** A status run with reminders; `result` holds the last run's result (the budget depends on its reminders). */
export function statusSummaryOp(
  e: Env,
  repo: string,
  options: { summaryIssue?: number } = {},
): { op: Op; result: () => StatusResult | undefined } {
  const { gateway, authority } = edge(e, repo);
  let result: StatusResult | undefined;
  return {
    op: async () => {
      result = await new Status({ gateway, config: e.config, renderer: e.renderer, authority }).run({
        remind: true,
        ...options,
      });
    },
    result: () => result,
  };
}

/**
 * Undoes a status run in the store: removes the reminders it posted and puts back the issues' updated_at (and the
 * digest body), so the next run is again the first one of its overdue period.
 */
export function statusRestorer(e: Env, repo: string, digestIssue?: number): () => void {
  const store = e.sandbox.store;
  const record = store.repo(repo) ?? store.ensureRepo(repo);
  const commentIds = new Set(store.comments(repo).map((c) => c.id));
  const updatedAt = new Map(record.issues.map((i) => [i.number, i.updated_at]));
  const digestBody = digestIssue !== undefined ? store.issue(repo, digestIssue)?.body : undefined;
  return () => {
    for (const comment of store.comments(repo).filter((c) => !commentIds.has(c.id)))
      store.deleteComment(record, comment);
    const digest = digestIssue !== undefined ? store.issue(repo, digestIssue) : undefined;
    if (digest && digestBody !== undefined) digest.body = digestBody;
    for (const issue of record.issues) {
      const at = updatedAt.get(issue.number);
      if (at !== undefined) issue.updated_at = at;
    }
  };
}

export class MemoryMemento implements KeyValueStore {
  private readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }
}

/**
 * The extension's Incidents tree as extension.ts builds it, minus VS Code: a session (openSession, the product's
 * client settings) and the IncidentStore the tree, status bar and CodeLens read. `current` is the person's current
 * incident (its timeline is read first).
 */
export async function extensionTree(
  e: Env,
  repo: RepoRef | string,
  current?: Incident,
  now?: () => number,
): Promise<{ session: Session; store: IncidentStore; refresh: Op }> {
  const ref = typeof repo === 'string' ? parseRepoOrThrow(repo) : repo;
  const session = await openSession({
    token: TOKEN,
    apiUrl: e.sandbox.url,
    repo: ref,
    config: e.config,
    templates: {},
    log: silentLogger,
    ...(e.client.writeSpacingMs !== undefined ? { writeSpacingMs: e.client.writeSpacingMs } : {}),
    ...(e.client.retryBaseMs !== undefined ? { retryBaseMs: e.client.retryBaseMs } : {}),
  });
  const store = new IncidentStore(new MemoryMemento(), now);
  if (current) await store.setCurrent(current);
  return { session, store, refresh: () => store.refresh(session) };
}
