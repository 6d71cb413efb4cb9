// Bursts of incident events as GitHub delivers them to a workflow with one concurrency group: any subset of each
// burst, late, reordered or twice, some runs dying mid-way, and always the last event's run (the pending one).
// Each run is the status sync as the Action runs it, over HTTP against the sandbox.
import fc from 'fast-check';
import type { Sandbox } from '../../sandbox/server';
import { authorityOver } from '../../core/authority';
import {
  OctokitCommitStatusGateway,
  type CommitStatusGateway,
  type NewCommitStatus,
} from '../../core/github/commit-statuses';
import { readFreezeIssues } from '../../core/use-cases/freeze-decision';
import { FREEZE_CONTEXT, syncFreezeStatuses } from '../../core/use-cases/freeze-statuses';
import type { Incident } from '../../core/domain/incident';
import { wired } from '../support/fixtures';
import { ChangeSeverity } from '../../core/use-cases/change-severity';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';

/** What changes on GitHub, in order; each sends GitHub's events for it (their count is what matters here). */
export type Change =
  { kind: 'declare'; severity: string } | { kind: 'severity'; severity: string } | { kind: 'resolve' };

/** The events GitHub sends for each change: a declare's opened and one labeled per label, and so on. */
const EVENTS: Readonly<Record<Change['kind'], number>> = { declare: 4, severity: 2, resolve: 3 };

/** One delivered event's run: after which change it ran (late ones run after later changes), dying after `dies`. */
export interface Delivery {
  readonly after: number;
  readonly order: number;
  readonly dies?: number;
}

export interface BurstCase {
  readonly changes: readonly Change[];
  readonly deliveries: readonly Delivery[];
}

const SEVERITY = fc.constantFrom('critical', 'major', 'minor');

/** A declare, up to three severity changes, maybe a resolve; deliveries drawn per event, the last always kept. */
export const burstCase: fc.Arbitrary<BurstCase> = fc
  .tuple(SEVERITY, fc.array(SEVERITY, { maxLength: 3 }), fc.boolean())
  .map(([first, later, resolve]): Change[] => [
    { kind: 'declare', severity: first },
    ...later.map((severity) => ({ kind: 'severity' as const, severity })),
    ...(resolve ? [{ kind: 'resolve' as const }] : []),
  ])
  .chain((changes) => {
    const events = changes.flatMap((change, index) => Array.from({ length: EVENTS[change.kind] }, () => index));
    const last = changes.length - 1;
    const delivery = (index: number, isLast: boolean) =>
      fc.record({
        // Dropped (cancelled while pending), run once, or redelivered.
        copies: isLast ? fc.integer({ min: 1, max: 2 }) : fc.integer({ min: 0, max: 2 }),
        delay: fc.integer({ min: 0, max: last - index }),
        order: fc.nat(1000),
        dies: isLast ? fc.constant(undefined) : fc.option(fc.nat(3), { nil: undefined }),
      });
    return fc.tuple(...events.map((index, i) => delivery(index, i === events.length - 1))).map((drawn) => ({
      changes,
      deliveries: drawn
        .flatMap((d, i) => {
          const after = (events[i] ?? 0) + (i === events.length - 1 ? 0 : d.delay);
          return Array.from({ length: d.copies }, (_, copy) => ({
            after,
            // The last event's run is the pending one: it runs after everything else.
            order: i === events.length - 1 && copy === 0 ? 10_000 : d.order,
            ...(d.dies !== undefined ? { dies: d.dies } : {}),
          }));
        })
        .sort((a, b) => a.after - b.after || a.order - b.order),
    }));
  });

/** The runner cancelling a job: every status write after the first `limit` fails. */
class DyingStatuses implements CommitStatusGateway {
  private writes = 0;
  constructor(
    private readonly inner: CommitStatusGateway,
    private readonly limit: number,
  ) {}
  get repo() {
    return this.inner.repo;
  }
  listOpenPulls() {
    return this.inner.listOpenPulls();
  }
  statusOf(ref: string, context: string) {
    return this.inner.statusOf(ref, context);
  }
  async createStatus(sha: string, status: NewCommitStatus) {
    if (this.writes++ >= this.limit) throw new Error('The run was cancelled.');
    return this.inner.createStatus(sha, status);
  }
}

export interface BurstOutcome {
  /** Whether the last change leaves merges frozen (an open critical or major incident). */
  readonly frozen: boolean;
  /** `firebreak/freeze` of each pull request and the default branch, by name. */
  readonly states: Readonly<Record<string, string | undefined>>;
  readonly expected: Readonly<Record<string, string>>;
  readonly runs: number;
  readonly died: number;
}

const sha = (n: number) => String(n).repeat(40);

/**
 * Plays a case in a repository of its own: two open pull requests and a writer's hotfix for the incident, all
 * green and recorded before the declare; then each change, each delivery's run after the change it waits for.
 */
export async function playBursts(sandbox: Sandbox, repo: string, burst: BurstCase): Promise<BurstOutcome> {
  const w = wired(sandbox, { repo, retries: 0 });
  sandbox.store.setBranchDirect(repo, 'main', sha(1));
  sandbox.store.createPullDirect(repo, { title: 'Feature A', headSha: sha(2) });
  sandbox.store.createPullDirect(repo, { title: 'Feature B', headSha: sha(3) });
  // The incident will be #4: pull requests take issue numbers too.
  sandbox.store.createPullDirect(repo, {
    title: 'Roll back',
    body: 'Fixes incident #4',
    author: 'octo-scribe',
    headSha: sha(4),
  });
  const statuses = new OctokitCommitStatusGateway(w.gateway.repo, w.client);
  let runs = 0;
  let died = 0;
  const sync = async (dies?: number, reconcile = false) => {
    runs++;
    const gateway = dies === undefined ? statuses : new DyingStatuses(statuses, dies);
    try {
      await syncFreezeStatuses(gateway, {
        config: w.config,
        read: await readFreezeIssues(w.gateway, w.config),
        authority: authorityOver((target, login) => w.connection.gatewayFor(target).canPush(login)),
        service: async () => w.service,
        defaultBranch: 'main',
        reconcile,
      });
    } catch (error) {
      if (dies === undefined) throw error;
      died++;
    }
  };
  await sync(undefined, true);
  let incident: Incident | undefined;
  let frozen = false;
  for (const [index, change] of burst.changes.entries()) {
    if (change.kind === 'declare') {
      incident = await new DeclareIncident(w.service).run({ title: 'Checkout down', severity: change.severity });
      frozen = change.severity !== 'minor';
    } else if (change.kind === 'severity' && incident) {
      incident = await new ChangeSeverity(w.service).run(incident, change.severity);
      frozen = change.severity !== 'minor';
    } else if (incident) {
      incident = await new ResolveIncident(w.service).run(incident, 'Back to normal.');
      frozen = false;
    }
    for (const delivery of burst.deliveries.filter((d) => d.after === index)) await sync(delivery.dies);
  }
  const stateOf = (commit: string) =>
    sandbox.store.statuses(repo, commit).find((s) => s.context === FREEZE_CONTEXT)?.state;
  const red = frozen ? 'failure' : 'success';
  return {
    frozen,
    states: { '#1': stateOf(sha(2)), '#2': stateOf(sha(3)), '#3 (hotfix)': stateOf(sha(4)), main: stateOf(sha(1)) },
    expected: { '#1': red, '#2': red, '#3 (hotfix)': 'success', main: red },
    runs,
    died,
  };
}
