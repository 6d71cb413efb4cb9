// The request shape of the small gateways over one repository (commit statuses, deployment reviews): the owner and
// name every path takes, and GitHub's errors as typed ones, with what to grant when access is what failed.
import { GitHubError, type ErrorCode } from '../domain/errors';
import { repoSlug, type RepoRef } from '../domain/incident';
import type { GitHubClient } from './github-client';
import { toGitHubError } from './issue-gateway';

/** What to grant, for the error codes that mean the token lacks access. */
export interface AccessHint {
  readonly codes: readonly ErrorCode[];
  readonly hint: string;
}

export class RepoRequests {
  constructor(
    readonly repo: RepoRef,
    private readonly client: GitHubClient,
  ) {}

  get octokit(): GitHubClient['octokit'] {
    return this.client.octokit;
  }

  /** owner/name, for messages. */
  get slug(): string {
    return repoSlug(this.repo);
  }

  /** `{ owner, repo }`, the start of every request's parameters. */
  get params(): { owner: string; repo: string } {
    return { owner: this.repo.owner, repo: this.repo.name };
  }

  /** Sends, and throws a typed error saying what failed (`what`), with `access`'s hint when due. */
  async send<T>(what: string, request: () => Promise<T>, access?: AccessHint): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const typed = toGitHubError(error, what, this.repo);
      if (!access || !access.codes.includes(typed.code)) throw typed;
      throw new GitHubError(typed.code, typed.message, typed.status, access.hint, { cause: error });
    }
  }
}
