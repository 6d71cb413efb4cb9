// Pull requests and commit statuses of one repository: what a freeze gate needs to mark every open pull request
// with a required status check (`firebreak/freeze`) that flips when incidents change.
import type { RepoRef } from '../domain/incident';
import type { GitHubClient } from './github-client';
import { RepoRequests, type AccessHint } from './repo-requests';

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

/** Writing statuses is what a workflow token lacks unless the workflow asks for it. */
const STATUSES_WRITE: AccessHint = {
  codes: ['permission'],
  hint: 'Give the workflow permission to write commit statuses (permissions: statuses: write).',
};

export class OctokitCommitStatusGateway implements CommitStatusGateway {
  private readonly requests: RepoRequests;

  constructor(
    readonly repo: RepoRef,
    client: GitHubClient,
  ) {
    this.requests = new RepoRequests(repo, client);
  }

  async listOpenPulls(): Promise<PullSummary[]> {
    const { octokit, params } = this.requests;
    const raw = (await this.requests.send(`list the open pull requests of ${this.requests.slug}`, () =>
      octokit.paginate('GET /repos/{owner}/{repo}/pulls', { ...params, state: 'open', per_page: 100 }),
    )) as RawPull[];
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
  }

  async statusOf(ref: string, context: string): Promise<CommitContextStatus> {
    const { octokit, params } = this.requests;
    const { data } = await this.requests.send(`read the status of ${this.requests.slug}@${ref}`, () =>
      octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/status', { ...params, ref, per_page: 100 }),
    );
    const wanted = context.toLowerCase();
    const found = data.statuses.find((s) => s.context.toLowerCase() === wanted);
    return {
      sha: data.sha,
      ...(found ? { state: found.state as CommitState } : {}),
      ...(found?.description ? { description: found.description } : {}),
    };
  }

  async createStatus(sha: string, status: NewCommitStatus): Promise<void> {
    const { octokit, params } = this.requests;
    await this.requests.send(
      `set ${status.context} on ${this.requests.slug}@${sha.slice(0, 7)}`,
      () =>
        octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
          ...params,
          sha,
          state: status.state,
          context: status.context,
          description: status.description.slice(0, 140),
          ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
        }),
      STATUSES_WRITE,
    );
  }
}
