// The only module that talks to GitHub: issues, comments, labels, assignees and sub-issues of one repository.
// Creates are idempotent: each carries a client key in a hidden marker, and after an ambiguous failure (timeout,
// reset, 5xx) the gateway looks for that key before it writes again, so a retry never creates a second copy.
import { findUser } from './users';
import { GitHubError } from '../domain/errors';
import { hasMarkerKey } from '../domain/event-log';
import {
  createGitHubClient,
  dateHeader,
  OutOfTimeError,
  UnreachableError,
  webUrlFor,
  type ClientOptions,
  type GitHubClient,
} from './github-client';
import { repoSlug, type RepoRef } from '../domain/incident';
import type { CommentRecord, IssueFilter, IssuePatch, IssueRecord, LabelRecord, NewIssue } from '../domain/records';

export type { CommentRecord, IssueFilter, IssuePatch, IssueRecord, LabelRecord, NewIssue } from '../domain/records';

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
  /** Adds labels to an issue, leaving its others as they are (idempotent). */
  addLabels(issueNumber: number, labels: readonly string[]): Promise<void>;
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

/** Errors after which a write may or may not have been applied. */
function isAmbiguous(error: unknown): boolean {
  if (error instanceof UnreachableError || error instanceof OutOfTimeError) return false;
  const status = (error as { status?: number }).status;
  return status === undefined || status >= 500;
}

type RawIssue = {
  id: number;
  number: number;
  title: string;
  body?: string | null;
  state: string;
  state_reason?: string | null;
  labels: (string | { name?: string; color?: string | null })[];
  assignees?: { login: string }[] | null;
  user: { login: string; type?: string } | null;
  author_association: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  html_url: string;
  comments: number;
  pull_request?: unknown;
};

type RawComment = {
  id: number;
  body?: string;
  user: { login: string; type: string } | null;
  author_association: string;
  created_at: string;
  updated_at: string;
  html_url: string;
  reactions?: Record<string, unknown>;
};

/** The rollup's counts above zero (`url` and `total_count` left out). */
function reactionCounts(rollup: Record<string, unknown> | undefined): Record<string, number> | undefined {
  if (!rollup) return undefined;
  const counts = Object.entries(rollup).filter(
    ([name, value]) => name !== 'url' && name !== 'total_count' && typeof value === 'number' && value > 0,
  ) as [string, number][];
  return counts.length > 0 ? Object.fromEntries(counts) : undefined;
}

export function toIssueRecord(raw: RawIssue): IssueRecord {
  return {
    id: raw.id,
    number: raw.number,
    title: raw.title,
    body: raw.body ?? '',
    state: raw.state === 'closed' ? 'closed' : 'open',
    ...(raw.state_reason ? { stateReason: raw.state_reason } : {}),
    labels: raw.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
    ...(raw.labels.some((l) => typeof l !== 'string' && l.color)
      ? {
          labelColors: Object.fromEntries(
            raw.labels.flatMap((l) => (typeof l !== 'string' && l.name && l.color ? [[l.name, l.color]] : [])),
          ),
        }
      : {}),
    assignees: (raw.assignees ?? []).map((a) => a.login),
    author: raw.user?.login ?? 'ghost',
    ...(raw.user?.type ? { authorType: raw.user.type } : {}),
    authorAssociation: raw.author_association,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
    ...(raw.closed_at ? { closedAt: raw.closed_at } : {}),
    url: raw.html_url,
    comments: raw.comments,
  };
}

function toCommentRecord(raw: RawComment): CommentRecord {
  const reactions = reactionCounts(raw.reactions);
  return {
    id: raw.id,
    body: raw.body ?? '',
    author: raw.user?.login ?? 'ghost',
    authorType: raw.user?.type ?? 'User',
    authorAssociation: raw.author_association,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
    url: raw.html_url,
    ...(reactions ? { reactions } : {}),
  };
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
    return this.idempotentCreate(
      'create an issue',
      async () => {
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
      (since) => this.findIssueByKey(key, since),
    );
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
    return this.idempotentCreate(
      `comment on ${this.ref(issueNumber)}`,
      async () => {
        const { data } = await this.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          ...this.params,
          issue_number: issueNumber,
          body,
          request: { retries: 0 },
        });
        return toCommentRecord(data as RawComment);
      },
      (since) => this.findCommentWithKey(issueNumber, key, since),
    );
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

  async addLabels(issueNumber: number, labels: readonly string[]): Promise<void> {
    await this.call(`label ${this.ref(issueNumber)}`, async () => {
      await this.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
        ...this.params,
        issue_number: issueNumber,
        labels: [...labels],
      });
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

  private async idempotentCreate<T>(
    what: string,
    create: () => Promise<T>,
    find: (since: string) => Promise<T | undefined>,
  ): Promise<T> {
    // Listing filters on updated_at, which a create sets, by GitHub's clock: the lookup starts from GitHub's time
    // (the Date of the failed attempt's answer, else of an earlier answer), never from this machine's clock, which
    // may be minutes off. Only when GitHub never answered at all does it look back a whole day from ours.
    let since: string | undefined;
    const startedAt = this.client.serverNow();
    let lastError: unknown;
    for (let attempt = 0; attempt < this.createAttempts; attempt++) {
      if (attempt > 0) {
        await sleep(this.client.retryBaseMs * attempt * attempt);
        since ??= lookupStart(lastError, startedAt);
        try {
          const existing = await find(since);
          if (existing) {
            this.client.log.debug(`${what}: an earlier attempt had landed; not writing again`);
            return existing;
          }
        } catch (error) {
          lastError = error;
          continue;
        }
      }
      try {
        return await create();
      } catch (error) {
        lastError = error;
        if (!isAmbiguous(error)) break;
        this.client.log.debug(`${what}: ${describeStatus(error)}; checking whether it landed before retrying`);
      }
    }
    throw toGitHubError(lastError, what, this.repo);
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toGitHubError(error, what, this.repo);
    }
  }
}

/** GitHub's 422 for a label (or other resource) whose name is taken. */
function isAlreadyExists(error: unknown): boolean {
  const e = error as { status?: number; response?: { data?: { errors?: { code?: string }[] } } };
  return e.status === 422 && (e.response?.data?.errors ?? []).some((x) => x.code === 'already_exists');
}

/** GitHub's time shortly before a create that may have landed, minus a margin for its own clock skew. */
function lookupStart(error: unknown, startedAt: Date | undefined): string {
  const answered = dateHeader((error as { response?: { headers?: Record<string, unknown> } }).response?.headers);
  const githubTime = startedAt ?? answered;
  if (githubTime) return new Date(githubTime.getTime() - 10 * 60_000).toISOString();
  return new Date(Date.now() - 24 * 60 * 60_000).toISOString();
}

function describeStatus(error: unknown): string {
  const status = (error as { status?: number }).status;
  return status ? `HTTP ${status}` : 'no answer';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One place that turns octokit's errors into messages that say what to fix, without request headers. */
export function toGitHubError(error: unknown, what: string, repo: RepoRef): GitHubError {
  if (error instanceof GitHubError) return error;
  const e = error as {
    status?: number;
    message?: string;
    response?: { headers?: Record<string, string>; data?: unknown };
  };
  const status = e.status;
  const slug = repoSlug(repo);
  const detail = githubMessage(e.response?.data) ?? e.message ?? 'unknown error';
  const headers = e.response?.headers ?? {};
  const options = { cause: error };
  if (error instanceof OutOfTimeError) {
    return new GitHubError(
      'unavailable',
      `Could not ${what}: ${error.message}.`,
      undefined,
      'Check https://www.githubstatus.com and retry; a longer budget (timeout-seconds) waits longer for a slow GitHub.',
      options,
    );
  }
  if (error instanceof UnreachableError) {
    return new GitHubError(
      'unavailable',
      `Could not ${what}: ${error.message}.`,
      undefined,
      'Nothing was sent. Check --api-url or GITHUB_API_URL (https://api.github.com, or https://HOST/api/v3), then retry.',
      options,
    );
  }
  if (status === 500 && !e.response) {
    // octokit reports a request that got no answer at all (reset, timeout) as a 500 without a response.
    return new GitHubError(
      'unavailable',
      `Could not ${what}: GitHub is not answering (${e.message ?? 'the connection failed'}).`,
      undefined,
      'Check your connection and https://www.githubstatus.com, then retry.',
      options,
    );
  }
  if (status === 401) {
    return new GitHubError(
      'auth',
      `Could not ${what}: GitHub did not accept the token (401 ${detail}).`,
      status,
      'Sign in again, or set GITHUB_TOKEN to a valid token.',
      options,
    );
  }
  if ((status === 403 || status === 429) && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(detail))) {
    const reset = Number(headers['x-ratelimit-reset']);
    const retryAfter =
      Number(headers['retry-after']) || (reset ? Math.max(0, Math.ceil(reset - Date.now() / 1000)) : undefined);
    return new GitHubError(
      'rate-limited',
      `Could not ${what}: the GitHub API rate limit is exhausted${retryAfter !== undefined ? ` (resets in ${retryAfter} s)` : ''}.`,
      status,
      'Wait for the reset, or use a token with a higher limit.',
      retryAfter !== undefined ? { ...options, retryAfterSeconds: retryAfter } : options,
    );
  }
  if (status === 403) {
    return new GitHubError(
      'permission',
      `Could not ${what}: the token may not do this in ${slug} (403 ${detail}).`,
      status,
      `Use a token with write access to issues in ${slug}.`,
      options,
    );
  }
  if (status === 404 || status === 410) {
    return new GitHubError(
      'not-found',
      `Could not ${what}: not found in ${slug}, or the token cannot see it (${status}).`,
      status,
      'Check the repository name and that the token has access to it.',
      options,
    );
  }
  if (status === 422) {
    return new GitHubError(
      'validation',
      `Could not ${what}: GitHub rejected the request (422 ${detail}).`,
      status,
      undefined,
      options,
    );
  }
  return new GitHubError(
    'unavailable',
    `Could not ${what}: GitHub is not answering (${status ? `HTTP ${status}` : detail}).`,
    status,
    'Check your connection and https://www.githubstatus.com, then retry.',
    options,
  );
}

function githubMessage(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const d = data as { message?: unknown; errors?: { message?: string; field?: string; code?: string }[] };
  if (typeof d.message !== 'string') return undefined;
  const errors = (d.errors ?? []).map((x) => x.message ?? [x.field, x.code].filter(Boolean).join(' ')).filter(Boolean);
  return errors.length ? `${d.message}: ${errors.join('; ')}` : d.message;
}
