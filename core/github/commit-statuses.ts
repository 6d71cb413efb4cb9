// Pull requests and commit statuses of one repository: what a freeze gate needs to mark every open pull request
// with a required status check (`firebreak/freeze`) that flips when incidents change.
import { GitHubError } from '../domain/errors';
import { repoSlug, type RepoRef } from '../domain/incident';
import type { GitHubClient } from './github-client';
import { toGitHubError } from './issue-gateway';

export type CommitState = 'success' | 'failure' | 'pending' | 'error';

/** What the open pull request list says of each: enough to decide its status without another request. */
export interface PullSummary {
  readonly number: number;
  readonly title: string;
  readonly body: string;
  readonly author: string;
  readonly headSha: string;
  readonly headRef: string;
  /** The head is a fork, or another repository than the base (or one GitHub no longer knows). */
  readonly fork: boolean;
  readonly baseRef: string;
  readonly url: string;
}

export interface NewCommitStatus {
  readonly state: CommitState;
  readonly context: string;
  readonly description: string;
  readonly targetUrl?: string;
}

/** The commit a ref points at, and the latest status of one context on it (if any). */
export interface CommitContextStatus {
  readonly sha: string;
  readonly state?: CommitState;
  readonly description?: string;
}

export interface CommitStatusGateway {
  readonly repo: RepoRef;
  /** Open pull requests, ⌈n/100⌉ requests. */
  listOpenPulls(): Promise<PullSummary[]>;
  /** The commit a ref (branch or sha) points at, and the latest state of one status context on it (if any). */
  statusOf(ref: string, context: string): Promise<CommitContextStatus>;
  createStatus(sha: string, status: NewCommitStatus): Promise<void>;
}

type RawPull = {
  number: number;
  title: string;
  body: string | null;
  html_url: string;
  user: { login: string } | null;
  head: RawBranch;
  base: RawBranch;
};

type RawBranch = { sha: string; ref: string; repo: { full_name: string; fork: boolean } | null };

function fromFork(head: RawBranch, base: RawBranch): boolean {
  return !head.repo || head.repo.fork || head.repo.full_name.toLowerCase() !== base.repo?.full_name.toLowerCase();
}

export class OctokitCommitStatusGateway implements CommitStatusGateway {
  constructor(
    readonly repo: RepoRef,
    private readonly client: GitHubClient,
  ) {}

  private get params() {
    return { owner: this.repo.owner, repo: this.repo.name };
  }

  async listOpenPulls(): Promise<PullSummary[]> {
    try {
      const raw = (await this.client.octokit.paginate('GET /repos/{owner}/{repo}/pulls', {
        ...this.params,
        state: 'open',
        per_page: 100,
      })) as RawPull[];
      return raw.map((p) => ({
        number: p.number,
        title: p.title,
        body: p.body ?? '',
        author: p.user?.login ?? 'ghost',
        headSha: p.head.sha,
        headRef: p.head.ref,
        fork: fromFork(p.head, p.base),
        baseRef: p.base.ref,
        url: p.html_url,
      }));
    } catch (error) {
      throw toGitHubError(error, `list the open pull requests of ${repoSlug(this.repo)}`, this.repo);
    }
  }

  async statusOf(ref: string, context: string): Promise<CommitContextStatus> {
    try {
      const { data } = await this.client.octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/status', {
        ...this.params,
        ref,
        per_page: 100,
      });
      const wanted = context.toLowerCase();
      const found = data.statuses.find((s) => s.context.toLowerCase() === wanted);
      return {
        sha: data.sha,
        ...(found ? { state: found.state as CommitState } : {}),
        ...(found?.description ? { description: found.description } : {}),
      };
    } catch (error) {
      throw toGitHubError(error, `read the status of ${repoSlug(this.repo)}@${ref}`, this.repo);
    }
  }

  async createStatus(sha: string, status: NewCommitStatus): Promise<void> {
    try {
      await this.client.octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
        ...this.params,
        sha,
        state: status.state,
        context: status.context,
        description: status.description.slice(0, 140),
        ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      });
    } catch (error) {
      const typed = toGitHubError(
        error,
        `set ${status.context} on ${repoSlug(this.repo)}@${sha.slice(0, 7)}`,
        this.repo,
      );
      if (typed.code !== 'permission') throw typed;
      throw new GitHubError(
        'permission',
        typed.message,
        typed.status,
        'Give the workflow permission to write commit statuses (permissions: statuses: write).',
        { cause: error },
      );
    }
  }
}
