// What GitHub knows about changes and deploys of one repository: deployments and their statuses, compare, a
// commit's files and pull requests, opening a pull request and dispatching a workflow. Each method is one request.
import { repoSlug, type RepoRef } from '../domain/incident';
import type { GitHubClient } from './github-client';
import { toGitHubError } from './issue-gateway';

export interface DeploymentRecord {
  readonly id: number;
  readonly sha: string;
  readonly environment: string;
  readonly createdAt: string;
}

export interface DeploymentStatusRecord {
  readonly state: string;
  readonly createdAt: string;
}

export interface ComparedCommit {
  readonly sha: string;
  readonly message: string;
  readonly author: string;
  readonly date: string;
}

export interface PullRef {
  readonly number: number;
  readonly title: string;
  readonly url: string;
  readonly author: string;
}

export interface ChangesGateway {
  readonly repo: RepoRef;
  /** Deployments to one environment, newest first (the first 100). */
  listDeployments(environment: string): Promise<DeploymentRecord[]>;
  /** A deployment's latest status; undefined when it has none. */
  latestStatus(deploymentId: number): Promise<DeploymentStatusRecord | undefined>;
  /** The commits from base (excluded) to head, oldest first, as compare lists them. */
  compare(base: string, head: string): Promise<ComparedCommit[]>;
  /** The paths one commit changed. */
  commitFiles(sha: string): Promise<string[]>;
  /** The pull request a commit came from (the first GitHub associates), if any. */
  pullOf(sha: string): Promise<PullRef | undefined>;
  /** The open pull request from this branch (of this repository), if any. */
  openPullFrom(branch: string): Promise<PullRef | undefined>;
  createPull(input: { title: string; body: string; head: string; base: string }): Promise<PullRef>;
  /** Starts a `workflow_dispatch` run of a workflow file on a branch. */
  dispatchWorkflow(workflow: string, ref: string, inputs: Record<string, string>): Promise<void>;
  /** The repository's default branch. */
  defaultBranch(): Promise<string>;
}

interface RawPull {
  number: number;
  title: string;
  html_url: string;
  user: { login: string } | null;
}

function pullRef(raw: RawPull): PullRef {
  return { number: raw.number, title: raw.title, url: raw.html_url, author: raw.user?.login ?? 'ghost' };
}

export class OctokitChangesGateway implements ChangesGateway {
  constructor(
    readonly repo: RepoRef,
    private readonly client: GitHubClient,
  ) {}

  private get params() {
    return { owner: this.repo.owner, repo: this.repo.name };
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toGitHubError(error, `${what} in ${repoSlug(this.repo)}`, this.repo);
    }
  }

  listDeployments(environment: string): Promise<DeploymentRecord[]> {
    return this.call(`list the deployments to ${environment}`, async () => {
      const { data } = await this.client.octokit.request('GET /repos/{owner}/{repo}/deployments', {
        ...this.params,
        environment,
        per_page: 100,
      });
      return data.map((d) => ({ id: Number(d.id), sha: d.sha, environment: d.environment, createdAt: d.created_at }));
    });
  }

  latestStatus(deploymentId: number): Promise<DeploymentStatusRecord | undefined> {
    return this.call(`read the statuses of deployment ${deploymentId}`, async () => {
      const { data } = await this.client.octokit.request(
        'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
        { ...this.params, deployment_id: deploymentId, per_page: 1 },
      );
      const latest = data[0];
      return latest ? { state: latest.state, createdAt: latest.created_at } : undefined;
    });
  }

  compare(base: string, head: string): Promise<ComparedCommit[]> {
    return this.call(`compare ${base.slice(0, 7)}...${head.slice(0, 7)}`, async () => {
      const { data } = await this.client.octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
        ...this.params,
        basehead: `${base}...${head}`,
        per_page: 100,
      });
      return data.commits.map((c) => ({
        sha: c.sha,
        message: c.commit.message,
        author: c.author?.login ?? c.commit.author?.name ?? 'unknown',
        date: c.commit.committer?.date ?? c.commit.author?.date ?? '',
      }));
    });
  }

  commitFiles(sha: string): Promise<string[]> {
    return this.call(`read commit ${sha.slice(0, 7)}`, async () => {
      const { data } = await this.client.octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', {
        ...this.params,
        ref: sha,
      });
      return (data.files ?? []).map((f) => f.filename);
    });
  }

  pullOf(sha: string): Promise<PullRef | undefined> {
    return this.call(`find the pull request of ${sha.slice(0, 7)}`, async () => {
      const { data } = await this.client.octokit.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', {
        ...this.params,
        commit_sha: sha,
      });
      const first = data[0];
      return first ? pullRef(first) : undefined;
    });
  }

  openPullFrom(branch: string): Promise<PullRef | undefined> {
    return this.call(`look for the pull request from ${branch}`, async () => {
      const { data } = await this.client.octokit.request('GET /repos/{owner}/{repo}/pulls', {
        ...this.params,
        head: `${this.repo.owner}:${branch}`,
        state: 'open',
      });
      const first = data[0];
      return first ? pullRef(first) : undefined;
    });
  }

  createPull(input: { title: string; body: string; head: string; base: string }): Promise<PullRef> {
    return this.call(`open a pull request from ${input.head}`, async () => {
      const { data } = await this.client.octokit.request('POST /repos/{owner}/{repo}/pulls', {
        ...this.params,
        ...input,
      });
      return pullRef(data);
    });
  }

  dispatchWorkflow(workflow: string, ref: string, inputs: Record<string, string>): Promise<void> {
    return this.call(`dispatch workflow ${workflow}`, async () => {
      await this.client.octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        ...this.params,
        workflow_id: workflow,
        ref,
        inputs,
      });
    });
  }

  defaultBranch(): Promise<string> {
    return this.call('read the default branch', async () => {
      const { data } = await this.client.octokit.request('GET /repos/{owner}/{repo}', this.params);
      return data.default_branch;
    });
  }
}
