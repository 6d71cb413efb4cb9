// Deployments held by a GitHub App: `firebreak serve` as a custom deployment protection rule. A
// `deployment_protection_rule` webhook asks whether a workflow run may deploy to an environment; the answer follows
// the deploy freeze (the incidents that freeze the environment's services, `environments:` in the config): approved
// when none does; while frozen, rejected with the incidents named (private ones only as "a private incident
// (severity …)"), or, with `deployments: { while-frozen: hold }`, no answer at all: GitHub keeps the run waiting
// (up to 30 days). When an incident changes (an `issues` webhook), every waiting run of the deployment repositories
// whose environments nothing freezes any more is approved. Nothing is stored: GitHub's waiting runs are the state,
// and an answer given twice (a redelivery, another replica) is refused by GitHub and skipped here.
import type { FirebreakConfig, WhileFrozen } from '../domain/config';
import { repoSlug, type RepoRef } from '../domain/incident';
import type { DeploymentReviewGateway, ReviewState } from '../github/deployment-reviews';
import type { IssueGateway } from '../github/issue-gateway';
import type { Authority } from '../authority';
import { decideFreeze, readFreezeIssues, type FreezeDecision, type FreezeIssues } from './freeze-decision';
import { freezingList } from './freeze-report';

/** What a `deployment_protection_rule` delivery asks (action `requested`). */
export interface ProtectionRuleRequest {
  readonly repo: RepoRef;
  readonly environment: string;
  readonly runId: number;
}

/** The issue actions after which a freeze may have ended. */
export const RELEASING_ACTIONS: readonly string[] = ['closed', 'labeled', 'unlabeled', 'edited', 'reopened', 'deleted'];

function object(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The repository of a webhook payload (`repository.full_name`). */
export function payloadRepo(payload: unknown): RepoRef | undefined {
  const fullName = object(object(payload)?.['repository'])?.['full_name'];
  if (typeof fullName !== 'string') return undefined;
  const [owner, name] = fullName.split('/');
  return owner && name ? { owner, name } : undefined;
}

/**
 * The request of a `deployment_protection_rule` delivery, or undefined when it is not a request. The run comes from
 * `deployment_callback_url` (…/actions/runs/{run_id}/deployment_protection_rule); the answer goes through the
 * configured API, never to a URL taken from the payload.
 */
export function parseProtectionRule(payload: unknown): ProtectionRuleRequest | undefined {
  const body = object(payload);
  if (body?.['action'] !== 'requested') return undefined;
  const environment = body['environment'];
  const callback = body['deployment_callback_url'];
  const repo = payloadRepo(payload);
  const run =
    typeof callback === 'string' ? /\/actions\/runs\/(\d+)\/deployment_protection_rule\/?$/.exec(callback) : null;
  if (typeof environment !== 'string' || !environment || !run || !repo) return undefined;
  return { repo, environment, runId: Number(run[1]) };
}

/** The services deploying to an environment (any case); empty: every freezing incident freezes it. */
export function environmentServices(config: FirebreakConfig, environment: string): string[] {
  const wanted = environment.toLowerCase();
  const found = Object.entries(config.environments ?? {}).find(([name]) => name.toLowerCase() === wanted);
  return found ? [...found[1]] : [];
}

export interface GateAnswer {
  /** `hold`: no answer, the run keeps waiting. */
  readonly state: ReviewState | 'hold';
  readonly comment: string;
}

/** The answer for one environment from its freeze decision. Never names a private incident. */
export function gateAnswer(
  decision: FreezeDecision,
  environment: string,
  whileFrozen: WhileFrozen,
  now: Date,
): GateAnswer {
  if (!decision.frozen) return { state: 'approved', comment: `Firebreak: no active incident freezes ${environment}.` };
  const count = decision.freezing.length + decision.privateFreezing.length;
  const by = `${count === 1 ? 'an active incident' : `${count} active incidents`}: ${freezingList(decision, now)}`;
  if (whileFrozen === 'hold')
    return {
      state: 'hold',
      comment: `Firebreak: deploys to ${environment} are frozen by ${by}. Held until the freeze ends.`,
    };
  return {
    state: 'rejected',
    comment:
      `Firebreak: deploys to ${environment} are frozen by ${by}. The freeze ends when they are resolved or ` +
      'downgraded; re-run the deployment then.',
  };
}

export interface GateDeps {
  readonly config: FirebreakConfig;
  /** The incident repository's gateway. */
  readonly gateway: IssueGateway;
  readonly privateGateway?: IssueGateway;
  /** The runs and answers of a repository with environments. */
  reviews(repo: RepoRef): DeploymentReviewGateway;
  readonly now?: () => Date;
  /** Who may act (GitHub's permission): only their issues' bodies freeze (see freeze.ts). */
  readonly authority?: Authority;
}

export interface ProtectionRuleOutcome {
  readonly repo: string;
  readonly runId: number;
  readonly environment: string;
  /** `approved`/`rejected` answered now; `held` left waiting; `already-answered` GitHub had nothing pending. */
  readonly result: 'approved' | 'rejected' | 'held' | 'already-answered';
  readonly comment: string;
}

export interface ReleaseOutcome {
  readonly checked: number;
  readonly approved: readonly { readonly repo: string; readonly runId: number; readonly environment: string }[];
  /** Environments still frozen, left waiting. */
  readonly stillFrozen: readonly string[];
}

export class DeploymentGate {
  constructor(private readonly deps: GateDeps) {}

  private get whileFrozen(): WhileFrozen {
    return this.deps.config.deployments?.whileFrozen ?? 'reject';
  }

  /** The repositories where held deployments wait: the configured ones, or the incident repository. */
  get repositories(): readonly RepoRef[] {
    const listed = this.deps.config.deployments?.repositories ?? [];
    return listed.length > 0 ? listed : [this.deps.gateway.repo];
  }

  private read(): Promise<FreezeIssues> {
    const { gateway, privateGateway, config } = this.deps;
    const { authority } = this.deps;
    return readFreezeIssues(gateway, config, {
      ...(privateGateway ? { privateGateway } : {}),
      ...(authority ? { authority } : {}),
    });
  }

  private decide(read: FreezeIssues, environment: string, now: Date): FreezeDecision {
    return decideFreeze(this.deps.config, read, { services: environmentServices(this.deps.config, environment), now });
  }

  /** Answers one `deployment_protection_rule` request (or holds it). */
  async onProtectionRule(request: ProtectionRuleRequest): Promise<ProtectionRuleOutcome> {
    const now = this.deps.now?.() ?? new Date();
    const decision = this.decide(await this.read(), request.environment, now);
    // A held job is released only where releaseHeld looks: elsewhere holding would leave it waiting for 30 days.
    const watched = this.repositories.some((r) => repoSlug(r).toLowerCase() === repoSlug(request.repo).toLowerCase());
    const held = gateAnswer(decision, request.environment, this.whileFrozen, now);
    const answer =
      held.state !== 'hold' || watched
        ? held
        : {
            state: 'rejected' as const,
            comment:
              `${gateAnswer(decision, request.environment, 'reject', now).comment} (Not held: ` +
              `${repoSlug(request.repo)} is not in deployments.repositories of the Firebreak config.)`,
          };
    const base = { repo: repoSlug(request.repo), runId: request.runId, environment: request.environment };
    if (answer.state === 'hold') return { ...base, result: 'held', comment: answer.comment };
    const done = await this.deps
      .reviews(request.repo)
      .review(request.runId, request.environment, answer.state, answer.comment);
    return { ...base, result: done === 'answered' ? answer.state : 'already-answered', comment: answer.comment };
  }

  /**
   * After an incident changed: approve every waiting deployment whose environment nothing freezes any more. Cost:
   * the incident list(s), then per repository ⌈waiting runs/100⌉ + one request per waiting run + one per approval.
   */
  async releaseHeld(): Promise<ReleaseOutcome> {
    const now = this.deps.now?.() ?? new Date();
    const read = await this.read();
    const frozen = new Map<string, boolean>();
    const isFrozen = (environment: string) => {
      const key = environment.toLowerCase();
      let value = frozen.get(key);
      if (value === undefined) {
        value = this.decide(read, environment, now).frozen;
        frozen.set(key, value);
      }
      return value;
    };
    // Nothing to release while every environment is frozen (no services mapping, a freezing incident).
    if (Object.keys(this.deps.config.environments ?? {}).length === 0 && isFrozen(''))
      return { checked: 0, approved: [], stillFrozen: ['*'] };
    const approved: { repo: string; runId: number; environment: string }[] = [];
    const stillFrozen = new Set<string>();
    let checked = 0;
    for (const repo of this.repositories) {
      const reviews = this.deps.reviews(repo);
      for (const run of await reviews.listWaitingRuns()) {
        checked++;
        for (const environment of await reviews.pendingEnvironments(run.id)) {
          if (isFrozen(environment)) {
            stillFrozen.add(environment);
            continue;
          }
          const answer = gateAnswer(this.decide(read, environment, now), environment, 'reject', now);
          const done = await reviews.review(run.id, environment, 'approved', answer.comment);
          if (done === 'answered') approved.push({ repo: repoSlug(repo), runId: run.id, environment });
        }
      }
    }
    return { checked, approved, stillFrozen: [...stillFrozen] };
  }
}
