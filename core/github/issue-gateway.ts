// The only module that talks to GitHub: issues, comments, labels, assignees and sub-issues of one repository.
// Creates are idempotent: each carries a client key in a hidden marker, and after an ambiguous failure (timeout,
// reset, 5xx) the gateway looks for that key before it writes again, so a retry never creates a second copy.
import { findUser } from './users';
import { GitHubError } from '../domain/errors';
import { hasMarkerKey } from '../domain/event-log';
import { createGitHubClient, webUrlFor, type ClientOptions, type GitHubClient } from './github-client';
import { isAlreadyExists, toGitHubError } from './github-errors';
import { idempotentCreate } from './idempotent-create';
import { toCommentRecord, toIssueRecord, type RawComment, type RawIssue } from './issue-records';
import { repoSlug, type RepoRef } from '../domain/incident';
import type { CommentRecord, IssueFilter, IssuePatch, IssueRecord, LabelRecord, NewIssue } from '../domain/records';

export type { CommentRecord, IssueFilter, IssuePatch, IssueRecord, LabelRecord, NewIssue } from '../domain/records';
// Where these lived before the split: importers keep their paths.
export { toGitHubError } from './github-errors';
export { toIssueRecord } from './issue-records';

export interface IssueGateway {
  readonly repo: RepoRef;
  /** Web base URL (e.g. https://github.com), for permalinks. */
  readonly webUrl: string;
  createIssue(issue: NewIssue, key: string): Promise<IssueRecord>;
  getIssue(issueNumber: number): Promise<IssueRecord>;
  updateIssue(issueNumber: number, patch: IssuePatch): Promise<IssueRecord>;
  listIssues(filter: IssueFilter): Promise<IssueRecord[]>;
  /** Comments oldest first; `skip` leaves out the first ones (reading only those after what a view folds). */
  listComments(issueNumber: number, options?: { since?: string; skip?: number }): Promise<CommentRecord[]>;
  createComment(issueNumber: number, body: string, key: string): Promise<CommentRecord>;
  /** Whether a comment carrying this idempotency key exists (created since `since`, when given). */
  hasCommentWithKey(issueNumber: number, key: string, since?: string): Promise<boolean>;
  updateComment(commentId: number, body: string): Promise<CommentRecord>;
  listLabels(): Promise<LabelRecord[]>;
  upsertLabel(label: LabelRecord): Promise<void>;
  /** Creates a label unless one of that name exists: true if this call created it (GitHub's names are unique). */
  createLabel(label: LabelRecord): Promise<boolean>;
  getLabel(name: string): Promise<LabelRecord | undefined>;
  /** Changes a label's description; false when the label no longer exists. */
  updateLabelDescription(name: string, description: string): Promise<boolean>;
  /** Deletes a label; one that is gone already is fine. */
  deleteLabel(name: string): Promise<void>;
  listAssignable(): Promise<string[]>;
  /** Adds labels to an issue, leaving its others as they are (idempotent); the issue's labels after. */
  addLabels(issueNumber: number, labels: readonly string[]): Promise<LabelRecord[]>;
  /** Removes one label from an issue, leaving its others as they are; one already gone is fine. */
  removeLabel(issueNumber: number, name: string): Promise<void>;
  addSubIssue(parentNumber: number, childId: number): Promise<void>;
  listSubIssues(parentNumber: number): Promise<IssueRecord[]>;
  currentUser(): Promise<string>;
  /** The repository's visibility (GET /repos/{owner}/{repo}), to check that a private repository is private. */
  repository(): Promise<{ readonly fullName: string; readonly private: boolean }>;
  /** Logins of who reacted to a comment with this content. */
  listReactions(commentId: number, content: string): Promise<string[]>;
  /** Reacts to a comment (reacting again with the same content is no second reaction). */
  createReaction(commentId: number, content: string): Promise<void>;
  /** Whether a user can push to the repository (write, maintain or admin). */
  canPush(login: string): Promise<boolean>;
  /** A GitHub user's login as GitHub spells it, or undefined when GitHub has no such user. */
  findUser(login: string): Promise<string | undefined>;
}

export interface GatewayOptions extends ClientOptions {
  /** A client to share (its own options then apply); otherwise one is made from these options. */
  readonly client?: GitHubClient;
  /** Web base URL; derived from the API URL when absent (GITHUB_SERVER_URL in Actions). */
  readonly webUrl?: string;
  /** How many times an ambiguous create is retried after the key lookup found nothing. */
  readonly createAttempts?: number;
}

type ReactionContent = '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';

export class OctokitIssueGateway implements IssueGateway {
  readonly webUrl: string;
  private readonly client: GitHubClient;
  private readonly createAttempts: number;
  private login: string | undefined;

  constructor(
    readonly repo: RepoRef,
    options: GatewayOptions | GitHubClient = {},
    webUrl?: string,
  ) {
    this.client = 'octokit' in options ? options : (options.client ?? createGitHubClient(options));
    this.webUrl = (
      webUrl ??
      ('octokit' in options ? undefined : options.webUrl) ??
      webUrlFor(this.client.baseUrl)
    ).replace(/\/+$/, '');
    this.createAttempts = 'octokit' in options ? 4 : (options.createAttempts ?? 4);
  }

  private get octokit() {
    return this.client.octokit;
  }

  private get params() {
    return { owner: this.repo.owner, repo: this.repo.name };
  }

  async createIssue(issue: NewIssue, key: string): Promise<IssueRecord> {
    return idempotentCreate(this.client, this.repo, this.createAttempts, {
      what: 'create an issue',
      create: async () => {
        const { data } = await this.octokit.request('POST /repos/{owner}/{repo}/issues', {
          ...this.params,
          title: issue.title,
          body: issue.body,
          ...(issue.labels ? { labels: [...issue.labels] } : {}),
          ...(issue.assignees ? { assignees: [...issue.assignees] } : {}),
          request: { retries: 0 },
        });
        return toIssueRecord(data as RawIssue);
      },
      find: (since) => this.findIssueByKey(key, since),
    });
  }

  async getIssue(issueNumber: number): Promise<IssueRecord> {
    return this.call(`read ${this.ref(issueNumber)}`, async () => {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}', {
        ...this.params,
        issue_number: issueNumber,
      });
      if ((data as RawIssue).pull_request) {
        throw new GitHubError('not-found', `${this.ref(issueNumber)} is a pull request, not an issue.`, 404);
      }
      return toIssueRecord(data as RawIssue);
    });
  }

  async updateIssue(issueNumber: number, patch: IssuePatch): Promise<IssueRecord> {
    return this.call(`update ${this.ref(issueNumber)}`, async () => {
      const { data } = await this.octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        ...this.params,
        issue_number: issueNumber,
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.body !== undefined ? { body: patch.body } : {}),
        ...(patch.state ? { state: patch.state } : {}),
        ...(patch.stateReason ? { state_reason: patch.stateReason } : {}),
        ...(patch.labels ? { labels: [...patch.labels] } : {}),
        ...(patch.assignees ? { assignees: [...patch.assignees] } : {}),
      });
      return toIssueRecord(data as RawIssue);
    });
  }

  async listIssues(filter: IssueFilter): Promise<IssueRecord[]> {
    return this.call(`list issues in ${repoSlug(this.repo)}`, async () => {
      const issues: IssueRecord[] = [];
      const iterator = this.octokit.paginate.iterator('GET /repos/{owner}/{repo}/issues', {
        ...this.params,
        state: filter.state ?? 'open',
        per_page: 100,
        ...(filter.labels?.length ? { labels: filter.labels.join(',') } : {}),
        ...(filter.since ? { since: filter.since } : {}),
        ...(filter.sort ? { sort: filter.sort } : {}),
        ...(filter.direction ? { direction: filter.direction } : {}),
      });
      for await (const page of iterator) {
        for (const raw of page.data as RawIssue[]) {
          // The issues endpoint lists pull requests too.
          if (raw.pull_request) continue;
          issues.push(toIssueRecord(raw));
          if (filter.limit !== undefined && issues.length >= filter.limit) return issues;
        }
      }
      return issues;
    });
  }

  async listComments(issueNumber: number, options: { since?: string; skip?: number } = {}): Promise<CommentRecord[]> {
    return this.call(`read the comments of ${this.ref(issueNumber)}`, async () => {
      // Skipped comments are skipped by the page: only the page holding the first wanted comment onwards is read.
      const skip = Math.max(0, Math.floor(options.skip ?? 0));
      const page = Math.floor(skip / 100) + 1;
      const raw = await this.octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...this.params,
        issue_number: issueNumber,
        per_page: 100,
        ...(page > 1 ? { page } : {}),
        ...(options.since ? { since: options.since } : {}),
      });
      return (raw as RawComment[]).slice(skip % 100).map(toCommentRecord);
    });
  }

  async createComment(issueNumber: number, body: string, key: string): Promise<CommentRecord> {
    return idempotentCreate(this.client, this.repo, this.createAttempts, {
      what: `comment on ${this.ref(issueNumber)}`,
      create: async () => {
        const { data } = await this.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          ...this.params,
          issue_number: issueNumber,
          body,
          request: { retries: 0 },
        });
        return toCommentRecord(data as RawComment);
      },
      find: (since) => this.findCommentWithKey(issueNumber, key, since),
    });
  }

  async hasCommentWithKey(issueNumber: number, key: string, since?: string): Promise<boolean> {
    return (await this.findCommentWithKey(issueNumber, key, since)) !== undefined;
  }

  private async findCommentWithKey(
    issueNumber: number,
    key: string,
    since?: string,
  ): Promise<CommentRecord | undefined> {
    const comments = await this.listComments(issueNumber, since ? { since } : {});
    return comments.find((comment) => hasMarkerKey(comment.body, key));
  }

  async updateComment(commentId: number, body: string): Promise<CommentRecord> {
    return this.call(`update comment ${commentId}`, async () => {
      const { data } = await this.octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
        ...this.params,
        comment_id: commentId,
        body,
      });
      return toCommentRecord(data as RawComment);
    });
  }

  async listLabels(): Promise<LabelRecord[]> {
    return this.call(`list labels of ${repoSlug(this.repo)}`, async () => {
      const raw = await this.octokit.paginate('GET /repos/{owner}/{repo}/labels', { ...this.params, per_page: 100 });
      return raw.map((l) => ({ name: l.name, color: l.color, description: l.description ?? null }));
    });
  }

  async upsertLabel(label: LabelRecord): Promise<void> {
    await this.call(`set up label "${label.name}"`, async () => {
      const fields = { color: label.color, ...(label.description !== null ? { description: label.description } : {}) };
      try {
        await this.octokit.request('PATCH /repos/{owner}/{repo}/labels/{name}', {
          ...this.params,
          name: label.name,
          ...fields,
        });
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
        await this.octokit.request('POST /repos/{owner}/{repo}/labels', {
          ...this.params,
          name: label.name,
          ...fields,
        });
      }
    });
  }

  async createLabel(label: LabelRecord): Promise<boolean> {
    return this.call(`create label "${label.name}"`, async () => {
      try {
        await this.octokit.request('POST /repos/{owner}/{repo}/labels', {
          ...this.params,
          name: label.name,
          color: label.color,
          ...(label.description !== null ? { description: label.description } : {}),
        });
        return true;
      } catch (error) {
        if (isAlreadyExists(error)) return false;
        throw error;
      }
    });
  }

  async getLabel(name: string): Promise<LabelRecord | undefined> {
    return this.call(`read label "${name}"`, async () => {
      try {
        const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/labels/{name}', {
          ...this.params,
          name,
        });
        return { name: data.name, color: data.color, description: data.description ?? null };
      } catch (error) {
        if ((error as { status?: number }).status === 404) return undefined;
        throw error;
      }
    });
  }

  async updateLabelDescription(name: string, description: string): Promise<boolean> {
    return this.call(`update label "${name}"`, async () => {
      try {
        await this.octokit.request('PATCH /repos/{owner}/{repo}/labels/{name}', { ...this.params, name, description });
        return true;
      } catch (error) {
        if ((error as { status?: number }).status === 404) return false;
        throw error;
      }
    });
  }

  async deleteLabel(name: string): Promise<void> {
    await this.call(`delete label "${name}"`, async () => {
      try {
        await this.octokit.request('DELETE /repos/{owner}/{repo}/labels/{name}', { ...this.params, name });
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
      }
    });
  }

  async listAssignable(): Promise<string[]> {
    return this.call(`list assignable users of ${repoSlug(this.repo)}`, async () => {
      const raw = await this.octokit.paginate('GET /repos/{owner}/{repo}/assignees', { ...this.params, per_page: 100 });
      return raw.map((u) => u.login);
    });
  }

  async addLabels(issueNumber: number, labels: readonly string[]): Promise<LabelRecord[]> {
    return this.call(`label ${this.ref(issueNumber)}`, async () => {
      const { data } = await this.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
        ...this.params,
        issue_number: issueNumber,
        labels: [...labels],
      });
      return data.map((l) => ({ name: l.name, color: l.color, description: l.description ?? null }));
    });
  }

  async removeLabel(issueNumber: number, name: string): Promise<void> {
    await this.call(`remove label "${name}" from ${this.ref(issueNumber)}`, async () => {
      try {
        await this.octokit.request('DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', {
          ...this.params,
          issue_number: issueNumber,
          name,
        });
      } catch (error) {
        // GitHub answers 404 when the issue does not carry the label: someone removed it first, as we wanted.
        if ((error as { status?: number }).status !== 404) throw error;
      }
    });
  }

  async addSubIssue(parentNumber: number, childId: number): Promise<void> {
    await this.call(`link a sub-issue to ${this.ref(parentNumber)}`, async () => {
      try {
        await this.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues', {
          ...this.params,
          issue_number: parentNumber,
          sub_issue_id: childId,
        });
      } catch (error) {
        // Already linked (a rerun, or a retry whose first attempt landed) is success.
        if ((error as { status?: number }).status === 422) {
          const children = await this.listSubIssues(parentNumber);
          if (children.some((c) => c.id === childId)) return;
        }
        throw error;
      }
    });
  }

  async listSubIssues(parentNumber: number): Promise<IssueRecord[]> {
    return this.call(`list sub-issues of ${this.ref(parentNumber)}`, async () => {
      const raw = await this.octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/sub_issues', {
        ...this.params,
        issue_number: parentNumber,
        per_page: 100,
      });
      return (raw as RawIssue[]).map(toIssueRecord);
    });
  }

  async currentUser(): Promise<string> {
    if (this.login) return this.login;
    const login = await this.call(
      'identify the signed-in user',
      async () => (await this.octokit.request('GET /user')).data.login,
    );
    this.login = login;
    return login;
  }

  async repository(): Promise<{ fullName: string; private: boolean }> {
    return this.call(`read the repository ${repoSlug(this.repo)}`, async () => {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}', this.params);
      return { fullName: data.full_name, private: data.private };
    });
  }

  async listReactions(commentId: number, content: string): Promise<string[]> {
    return this.call(`read the reactions to comment ${commentId}`, async () => {
      const raw = await this.octokit.paginate('GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', {
        ...this.params,
        comment_id: commentId,
        content: content as ReactionContent,
        per_page: 100,
      });
      return raw.flatMap((r) => (r.user ? [r.user.login] : []));
    });
  }

  async createReaction(commentId: number, content: string): Promise<void> {
    await this.call(`react to comment ${commentId}`, async () => {
      await this.octokit.request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', {
        ...this.params,
        comment_id: commentId,
        content: content as ReactionContent,
      });
    });
  }

  async canPush(login: string): Promise<boolean> {
    return this.call(`read @${login}'s permission on ${repoSlug(this.repo)}`, async () => {
      try {
        const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', {
          ...this.params,
          username: login,
        });
        // `permission` folds maintain into write and triage into read; `user.permissions.push` says it exactly.
        return data.user?.permissions?.push ?? (data.permission === 'admin' || data.permission === 'write');
      } catch (error) {
        // Not a collaborator (or not a user any more): no push access.
        if ((error as { status?: number }).status === 404) return false;
        throw error;
      }
    });
  }

  async findUser(login: string): Promise<string | undefined> {
    return this.call(`look up the GitHub user @${login}`, () => findUser(this.octokit, login));
  }

  private ref(issueNumber: number): string {
    return `${repoSlug(this.repo)}#${issueNumber}`;
  }

  private async findIssueByKey(key: string, since: string): Promise<IssueRecord | undefined> {
    // Listing is consistent (search is not): newest first, back to just before the first attempt.
    const recent = await this.listIssues({ state: 'all', since, sort: 'created', direction: 'desc', limit: 300 });
    return recent.find((issue) => hasMarkerKey(issue.body, key));
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toGitHubError(error, what, this.repo);
    }
  }
}
