// Roll back a deploy: dispatch the workflow named by `deployments.rollback-workflow` with input `ref` = the last good
// sha (from the suspects use case, or given), and log one destructive `action` entry on the incident that links it.
import { InputError } from '../domain/errors';
import { repoSlug, type Incident, type RepoRef, type TimelineEntry } from '../domain/incident';
import type { FirebreakConfig } from '../domain/config';
import type { ChangesGateway } from '../github/changes-gateway';
import type { LogInput } from './log-entry';
import type { Suspects } from './suspects';

export interface RollbackDeps {
  readonly config: FirebreakConfig;
  changes(repo: RepoRef): ChangesGateway;
  readonly suspects: Pick<Suspects, 'run' | 'repositoryFor'>;
  log(incident: Incident, input: LogInput): Promise<TimelineEntry>;
  readonly webUrl: string;
}

export interface RollbackInput {
  readonly incident: Incident;
  /** The sha to deploy; default: the last good deploy before the incident. */
  readonly to?: string;
  readonly environment?: string;
}

export interface RollbackPlan {
  readonly incident: Incident;
  readonly repo: RepoRef;
  readonly workflow: string;
  /** The branch the workflow runs on (the repository's default branch). */
  readonly branch: string;
  readonly sha: string;
  readonly environment: string | null;
}

export interface RollbackResult {
  readonly workflow: string;
  readonly sha: string;
  /** The workflow's page (the run's, when GitHub named it). */
  readonly url: string;
}

export class RollbackDeploy {
  constructor(private readonly deps: RollbackDeps) {}

  async plan(input: RollbackInput): Promise<RollbackPlan> {
    const workflow = this.deps.config.deployments?.rollbackWorkflow;
    if (!workflow)
      throw new InputError(
        `No rollback workflow is configured (deployments.rollback-workflow in ${this.deps.config.source}).`,
        `Set deployments.rollback-workflow in ${this.deps.config.source} to the workflow file that deploys a ref ` +
          '(e.g. rollback.yml, with a workflow_dispatch input named ref).',
      );
    const repo = this.deps.suspects.repositoryFor(input.incident);
    let sha = input.to?.trim();
    let environment: string | null = input.environment ?? null;
    if (!sha) {
      const found = await this.deps.suspects.run({
        incident: input.incident,
        ...(input.environment ? { environment: input.environment } : {}),
      });
      environment = found.environment;
      if (!found.lastGood)
        throw new InputError(
          `No last good deploy to roll back to: ${found.note ?? 'no earlier successful deployment'}`,
          'Name the commit to deploy with --to SHA.',
        );
      sha = found.lastGood.sha;
    }
    if (!/^[0-9a-f]{7,40}$/i.test(sha)) throw new InputError(`"${sha}" is not a commit SHA.`);
    const branch = await this.deps.changes(repo).defaultBranch();
    return { incident: input.incident, repo, workflow, branch, sha, environment };
  }

  describe(plan: RollbackPlan): string {
    return (
      `Roll back: run workflow ${plan.workflow} on ${plan.branch} in ${repoSlug(plan.repo)} with ref=${plan.sha}` +
      `${plan.environment ? ` (environment ${plan.environment})` : ''}, and log it on incident ` +
      `#${plan.incident.number}.`
    );
  }

  async run(plan: RollbackPlan): Promise<RollbackResult> {
    await this.deps.changes(plan.repo).dispatchWorkflow(plan.workflow, plan.branch, { ref: plan.sha });
    const url = `${this.deps.webUrl}/${repoSlug(plan.repo)}/actions/workflows/${encodeURIComponent(plan.workflow)}`;
    await this.deps.log(plan.incident, {
      kind: 'action',
      destructive: true,
      text: `Rolled back: dispatched workflow ${plan.workflow} with ref ${plan.sha.slice(0, 7)}: ${url}`,
    });
    return { workflow: plan.workflow, sha: plan.sha, url };
  }
}
