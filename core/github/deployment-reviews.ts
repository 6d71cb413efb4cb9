// Workflow runs waiting for deployments, and a GitHub App's answer to its own custom deployment protection rule:
// what the deployment gate of `firebreak serve` needs to approve or reject a deployment.
import { repoSlug, type RepoRef } from '../domain/incident';
import type { GitHubClient } from './github-client';
import { RepoRequests, type AccessHint } from './repo-requests';

export type ReviewState = 'approved' | 'rejected';

export interface WaitingRun {
  readonly id: number;
  readonly url: string;
}

export interface DeploymentReviewGateway {
  readonly repo: RepoRef;
  /** Runs waiting for a deployment (status=waiting), ⌈n/100⌉ requests. */
  listWaitingRuns(): Promise<WaitingRun[]>;
  /** The environments a run waits for (one request). */
  pendingEnvironments(runId: number): Promise<string[]>;
  /** Answers this App's rule for one environment; `not-pending` when there is nothing of ours to answer (any more). */
  review(runId: number, environment: string, state: ReviewState, comment: string): Promise<'answered' | 'not-pending'>;
}

/** GitHub limits nothing in the description; a comment this long is read in full on the run page. */
export const MAX_REVIEW_COMMENT = 1000;

export class OctokitDeploymentReviewGateway implements DeploymentReviewGateway {
  private readonly requests: RepoRequests;
  /** No access (or no App installed) is answered 403 or 404: say what to install and grant. */
  private readonly access: AccessHint;

  constructor(
    readonly repo: RepoRef,
    client: GitHubClient,
  ) {
    this.requests = new RepoRequests(repo, client);
    this.access = {
      codes: ['permission', 'not-found'],
      hint:
        `Install the GitHub App on ${repoSlug(repo)} with Actions: read and Deployments: read and write, and ` +
        'run firebreak serve with its credentials (FIREBREAK_APP_ID, FIREBREAK_APP_PRIVATE_KEY).',
    };
  }

  async listWaitingRuns(): Promise<WaitingRun[]> {
    const { octokit, params } = this.requests;
    const runs = await this.requests.send(
      `list the waiting workflow runs of ${this.requests.slug}`,
      () => octokit.paginate('GET /repos/{owner}/{repo}/actions/runs', { ...params, status: 'waiting', per_page: 100 }),
      this.access,
    );
    return runs.map((run) => ({ id: run.id, url: run.html_url }));
  }

  async pendingEnvironments(runId: number): Promise<string[]> {
    const { octokit, params } = this.requests;
    const { data } = await this.requests.send(
      `read the pending deployments of run ${runId} in ${this.requests.slug}`,
      () =>
        octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments', {
          ...params,
          run_id: runId,
        }),
      this.access,
    );
    return data.flatMap((d) => (d.environment.name ? [d.environment.name] : []));
  }

  async review(
    runId: number,
    environment: string,
    state: ReviewState,
    comment: string,
  ): Promise<'answered' | 'not-pending'> {
    const { octokit, params } = this.requests;
    return this.requests.send(
      `answer the deployment of run ${runId} to ${environment} in ${this.requests.slug}`,
      async () => {
        try {
          await octokit.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule', {
            ...params,
            run_id: runId,
            environment_name: environment,
            state,
            comment: comment.slice(0, MAX_REVIEW_COMMENT),
          });
          return 'answered' as const;
        } catch (error) {
          // Already answered (a redelivery, another replica), or not this App's rule: nothing is left to do.
          if ((error as { status?: number }).status === 422) return 'not-pending' as const;
          throw error;
        }
      },
      this.access,
    );
  }
}
