// Workflow runs waiting for deployments, and a GitHub App's answer to its own custom deployment protection rule:
// what the deployment gate of `firebreak serve` needs to approve or reject a deployment.
import { GitHubError } from '../domain/errors';
import { repoSlug, type RepoRef } from '../domain/incident';
import type { GitHubClient } from './github-client';
import { toGitHubError } from './issue-gateway';

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
  constructor(
    readonly repo: RepoRef,
    private readonly client: GitHubClient,
  ) {}

  private get params() {
    return { owner: this.repo.owner, repo: this.repo.name };
  }

  async listWaitingRuns(): Promise<WaitingRun[]> {
    try {
      const runs = await this.client.octokit.paginate('GET /repos/{owner}/{repo}/actions/runs', {
        ...this.params,
        status: 'waiting',
        per_page: 100,
      });
      return runs.map((run) => ({ id: run.id, url: run.html_url }));
    } catch (error) {
      throw this.error(error, `list the waiting workflow runs of ${repoSlug(this.repo)}`);
    }
  }

  async pendingEnvironments(runId: number): Promise<string[]> {
    try {
      const { data } = await this.client.octokit.request(
        'GET /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments',
        { ...this.params, run_id: runId },
      );
      return data.flatMap((d) => (d.environment.name ? [d.environment.name] : []));
    } catch (error) {
      throw this.error(error, `read the pending deployments of run ${runId} in ${repoSlug(this.repo)}`);
    }
  }

  async review(
    runId: number,
    environment: string,
    state: ReviewState,
    comment: string,
  ): Promise<'answered' | 'not-pending'> {
    try {
      await this.client.octokit.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule', {
        ...this.params,
        run_id: runId,
        environment_name: environment,
        state,
        comment: comment.slice(0, MAX_REVIEW_COMMENT),
      });
      return 'answered';
    } catch (error) {
      // Already answered (a redelivery, another replica), or not this App's rule: nothing is left to do.
      if ((error as { status?: number }).status === 422) return 'not-pending';
      throw this.error(error, `answer the deployment of run ${runId} to ${environment} in ${repoSlug(this.repo)}`);
    }
  }

  private error(error: unknown, what: string): GitHubError {
    const typed = toGitHubError(error, what, this.repo);
    if (typed.code !== 'permission' && typed.code !== 'not-found') return typed;
    return new GitHubError(
      typed.code,
      typed.message,
      typed.status,
      `Install the GitHub App on ${repoSlug(this.repo)} with Actions: read and Deployments: read and write, and ` +
        'run firebreak serve with its credentials (FIREBREAK_APP_ID, FIREBREAK_APP_PRIVATE_KEY).',
      { cause: error },
    );
  }
}
