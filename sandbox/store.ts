// The sandbox's data: users, repositories, issues, comments and labels, with the mutations the routes need.
// Tests use it directly to arrange state (foreign comments, pull requests) and to assert on what clients did.
import type { SandboxNotification } from './notifications';
import { createHash } from 'node:crypto';
import {
  DEFAULT_LABEL_COLOR,
  timestamp,
  type CommentRecord,
  type FileRecord,
  type IssueChanges,
  type IssueRecord,
  type LabelRecord,
  type NewComment,
  type NewIssue,
  type NewPull,
  type NewUser,
  type NewWorkflowRun,
  type PendingDeploymentRecord,
  type ReactionContent,
  type ReactionRecord,
  type RepoRecord,
  type StatusRecord,
  type StoreSnapshot,
  type UserRecord,
  type WorkflowRunRecord,
} from './store-records';

export * from './store-records';

const DEFAULT_AUTHOR = 'firebreak-dev';

function nodeId(prefix: string, kind: string, id: number): string {
  return `${prefix}_${Buffer.from(`${kind}:${id}`).toString('base64url')}`;
}

export class SandboxStore {
  /** Called after every mutation; the server uses it to persist the state file. */
  onChange: (() => void) | undefined;
  /** Whom API writes would have notified (notifications.ts); not part of the saved state. */
  readonly notifications: SandboxNotification[] = [];

  private nextId = {
    user: 1,
    repo: 100_000,
    issue: 2_000_000,
    comment: 30_000_000,
    label: 400_000,
    reaction: 50_000_000,
  };
  private readonly userList: UserRecord[] = [];
  private readonly repoMap = new Map<string, RepoRecord>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  // ---- users -------------------------------------------------------------------------------------------------

  addUser(user: NewUser): UserRecord {
    const existing = this.user(user.login);
    if (existing) {
      existing.token = user.token ?? existing.token;
      existing.permission = user.permission ?? existing.permission;
      existing.type = user.type ?? existing.type;
      this.changed();
      return existing;
    }
    const record: UserRecord = {
      id: this.nextId.user++,
      login: user.login,
      token: user.token,
      permission: user.permission ?? 'none',
      type: user.type ?? (user.login.endsWith('[bot]') ? 'Bot' : 'User'),
      created_at: timestamp(this.now()),
    };
    this.userList.push(record);
    this.changed();
    return record;
  }

  users(): readonly UserRecord[] {
    return this.userList;
  }

  /** Logins are case-insensitive on GitHub. */
  user(login: string): UserRecord | undefined {
    const wanted = login.toLowerCase();
    return this.userList.find((user) => user.login.toLowerCase() === wanted);
  }

  userByToken(token: string): UserRecord | undefined {
    return this.userList.find((user) => user.token === token);
  }

  /** Authors of direct setup calls need not be configured users: unknown logins become users without access. */
  private author(login: string | undefined): string {
    return (this.user(login ?? DEFAULT_AUTHOR) ?? this.addUser({ login: login ?? DEFAULT_AUTHOR })).login;
  }

  // ---- repositories ------------------------------------------------------------------------------------------

  /** Repositories spring into existence on first use, public unless marked private here. */
  ensureRepo(fullName: string, options: { private?: boolean } = {}): RepoRecord {
    const key = fullName.toLowerCase();
    let repo = this.repoMap.get(key);
    if (repo === undefined) {
      const [owner, name] = fullName.split('/');
      if (!owner || !name) throw new Error(`repository must be "owner/name", got "${fullName}"`);
      const id = this.nextId.repo++;
      const created = timestamp(this.now());
      repo = {
        id,
        node_id: nodeId('R', 'Repository', id),
        owner,
        name,
        private: options.private ?? false,
        created_at: created,
        updated_at: created,
        nextNumber: 1,
        issues: [],
        labels: [],
        comments: [],
      };
      this.repoMap.set(key, repo);
      this.changed();
    } else if (options.private !== undefined && repo.private !== options.private) {
      repo.private = options.private;
      this.changed();
    }
    return repo;
  }

  repo(fullName: string): RepoRecord | undefined {
    return this.repoMap.get(fullName.toLowerCase());
  }

  repoById(id: number): RepoRecord | undefined {
    return [...this.repoMap.values()].find((repo) => repo.id === id);
  }

  repos(): RepoRecord[] {
    return [...this.repoMap.values()];
  }

  // ---- issues ------------------------------------------------------------------------------------------------

  /** Live records, in creation order; treat them as read-only and change them through the store. */
  issues(fullName: string): IssueRecord[] {
    return this.repo(fullName)?.issues ?? [];
  }

  issue(fullName: string, number: number): IssueRecord | undefined {
    return this.issues(fullName).find((issue) => issue.number === number);
  }

  issueById(id: number): { repo: RepoRecord; issue: IssueRecord } | undefined {
    for (const repo of this.repoMap.values()) {
      const issue = repo.issues.find((candidate) => candidate.id === id);
      if (issue) return { repo, issue };
    }
    return undefined;
  }

  /** Creates an issue (or, with `pullRequest`, a pull request) without any HTTP, permission or validation checks. */
  createIssueDirect(fullName: string, input: NewIssue): IssueRecord {
    const repo = this.ensureRepo(fullName);
    const created = timestamp(input.createdAt ?? this.now());
    const id = this.nextId.issue++;
    const closed = input.state === 'closed';
    const issue: IssueRecord = {
      id,
      node_id: nodeId(input.pullRequest ? 'PR' : 'I', input.pullRequest ? 'PullRequest' : 'Issue', id),
      number: repo.nextNumber++,
      title: input.title,
      body: input.body ?? null,
      state: closed ? 'closed' : 'open',
      state_reason: closed ? (input.stateReason ?? 'completed') : null,
      labelIds: this.resolveLabels(repo, input.labels ?? []).map((label) => label.id),
      assignees: this.dedupe((input.assignees ?? []).map((login) => this.author(login))),
      user: { login: this.author(input.author) },
      created_at: created,
      updated_at: created,
      closed_at: closed ? created : null,
      closed_by: null,
      locked: false,
      comments: 0,
      parentId: null,
      subIssueIds: [],
      pullRequest: input.pullRequest ?? false,
    };
    if (input.authorAssociation) issue.authorAssociation = input.authorAssociation;
    repo.issues.push(issue);
    this.changed();
    return issue;
  }

  /** Applies changes; updated_at moves only when something actually changed, so ETags of idle issues stay put. */
  updateIssue(repo: RepoRecord, issue: IssueRecord, changes: IssueChanges): IssueRecord {
    const at = timestamp(this.now());
    const fingerprint = (): string =>
      JSON.stringify([issue.title, issue.body, issue.labelIds, issue.assignees, issue.state, issue.state_reason]);
    const before = fingerprint();
    if (changes.title !== undefined) issue.title = changes.title;
    if (changes.body !== undefined) issue.body = changes.body;
    if (changes.labels !== undefined)
      issue.labelIds = this.resolveLabels(repo, changes.labels).map((label) => label.id);
    if (changes.assignees !== undefined)
      issue.assignees = this.dedupe(changes.assignees.map((login) => this.author(login)));
    if (changes.state === 'closed' && issue.state === 'open') {
      issue.state = 'closed';
      issue.state_reason = changes.stateReason ?? 'completed';
      issue.closed_at = at;
      issue.closed_by = changes.actor ?? null;
    } else if (changes.state === 'open' && issue.state === 'closed') {
      issue.state = 'open';
      issue.state_reason = 'reopened';
      issue.closed_at = null;
    } else if (changes.stateReason !== undefined && changes.state === undefined && issue.state === 'closed') {
      issue.state_reason = changes.stateReason;
    }
    if (fingerprint() !== before) this.touch(repo, issue, at);
    return issue;
  }

  /** Labels by name, case-insensitively; missing ones are created with GitHub's default color and no description. */
  resolveLabels(repo: RepoRecord, names: readonly string[]): LabelRecord[] {
    const labels: LabelRecord[] = [];
    for (const name of names) {
      const label = this.label(repo, name) ?? this.createLabel(repo, { name });
      if (!labels.includes(label)) labels.push(label);
    }
    return labels;
  }

  issueLabels(repo: RepoRecord, issue: IssueRecord): LabelRecord[] {
    return issue.labelIds.flatMap((id) => repo.labels.find((label) => label.id === id) ?? []);
  }

  addSubIssue(parent: IssueRecord, child: { repo: RepoRecord; issue: IssueRecord }, parentRepo: RepoRecord): void {
    if (child.issue.parentId !== null) this.removeSubIssue(child.issue.parentId, child.issue);
    child.issue.parentId = parent.id;
    parent.subIssueIds.push(child.issue.id);
    this.touch(parentRepo, parent);
  }

  removeSubIssue(parentId: number, child: IssueRecord): void {
    const parent = this.issueById(parentId);
    child.parentId = null;
    if (parent) {
      parent.issue.subIssueIds = parent.issue.subIssueIds.filter((id) => id !== child.id);
      this.touch(parent.repo, parent.issue);
    } else {
      this.changed();
    }
  }

  // ---- comments ----------------------------------------------------------------------------------------------

  /** Comments of one issue, or of the whole repository, ascending by id. */
  comments(fullName: string, issueNumber?: number): CommentRecord[] {
    const all = this.repo(fullName)?.comments ?? [];
    return issueNumber === undefined ? all : all.filter((comment) => comment.issueNumber === issueNumber);
  }

  comment(fullName: string, id: number): CommentRecord | undefined {
    return this.comments(fullName).find((comment) => comment.id === id);
  }

  /** Adds a comment as any author (foreign or forged content) without HTTP, permission or validation checks. */
  createCommentDirect(fullName: string, issueNumber: number, input: NewComment): CommentRecord {
    const repo = this.ensureRepo(fullName);
    const issue = repo.issues.find((candidate) => candidate.number === issueNumber);
    if (!issue) throw new Error(`${fullName}#${issueNumber} does not exist`);
    const at = timestamp(input.createdAt ?? this.now());
    const id = this.nextId.comment++;
    const comment: CommentRecord = {
      id,
      node_id: nodeId('IC', 'IssueComment', id),
      issueNumber,
      body: input.body,
      user: { login: this.author(input.author) },
      created_at: at,
      updated_at: at,
    };
    if (input.authorAssociation) comment.authorAssociation = input.authorAssociation;
    repo.comments.push(comment);
    issue.comments += 1;
    this.touch(repo, issue, at);
    return comment;
  }

  updateComment(repo: RepoRecord, comment: CommentRecord, body: string): CommentRecord {
    comment.body = body;
    comment.updated_at = timestamp(this.now());
    this.changed();
    return comment;
  }

  deleteComment(repo: RepoRecord, comment: CommentRecord): void {
    repo.comments = repo.comments.filter((candidate) => candidate !== comment);
    const issue = repo.issues.find((candidate) => candidate.number === comment.issueNumber);
    if (issue) issue.comments = Math.max(0, issue.comments - 1);
    this.changed();
  }

  // ---- pull requests, branches and commit statuses ------------------------------------------------------------

  /** Opens a pull request (an issue with branches) without any HTTP, permission or validation checks. */
  createPullDirect(fullName: string, input: NewPull): IssueRecord {
    const issue = this.createIssueDirect(fullName, {
      title: input.title,
      body: input.body ?? null,
      pullRequest: true,
      ...(input.author ? { author: input.author } : {}),
      ...(input.createdAt ? { createdAt: input.createdAt } : {}),
    });
    issue.pull = {
      headRef: input.headRef ?? `change-${issue.number}`,
      headSha: input.headSha,
      baseRef: input.baseRef ?? 'main',
      ...(input.headRepo ? { headRepo: input.headRepo } : {}),
    };
    this.changed();
    return issue;
  }

  /** Points a branch at a commit (a push), for refs given by branch name. */
  setBranchDirect(fullName: string, branch: string, sha: string): void {
    const repo = this.ensureRepo(fullName);
    repo.branches = { ...repo.branches, [branch]: sha };
    this.changed();
  }

  /** A branch name's head commit, or a full sha as given; undefined for anything else. */
  resolveRef(repo: RepoRecord, ref: string): string | undefined {
    const branch = repo.branches?.[ref.replace(/^refs\/heads\//, '')];
    if (branch) return branch;
    return /^[0-9a-f]{40}$/i.test(ref) ? ref.toLowerCase() : undefined;
  }

  createStatus(
    repo: RepoRecord,
    input: Pick<StatusRecord, 'sha' | 'state' | 'context' | 'description' | 'target_url' | 'creator'>,
  ): StatusRecord {
    const id = this.nextId.comment++;
    const at = timestamp(this.now());
    const status: StatusRecord = {
      id,
      node_id: nodeId('SC', 'StatusContext', id),
      ...input,
      created_at: at,
      updated_at: at,
    };
    repo.statuses = [...(repo.statuses ?? []), status];
    this.changed();
    return status;
  }

  /** Statuses of one commit, newest first (GitHub's order). */
  statuses(fullName: string, sha: string): StatusRecord[] {
    const wanted = sha.toLowerCase();
    return (this.repo(fullName)?.statuses ?? []).filter((s) => s.sha === wanted).reverse();
  }

  // ---- workflow runs and their pending deployments ------------------------------------------------------------

  /** Seeds a run waiting for its environments (status `waiting`), without HTTP or permission checks. */
  createWorkflowRunDirect(fullName: string, input: NewWorkflowRun): WorkflowRunRecord {
    const repo = this.ensureRepo(fullName);
    const id = this.nextId.comment++;
    const at = timestamp(this.now());
    const run: WorkflowRunRecord = {
      id,
      node_id: nodeId('WFR', 'WorkflowRun', id),
      name: input.name ?? 'Deploy',
      run_number: (repo.runs?.length ?? 0) + 1,
      head_branch: input.headBranch ?? 'main',
      head_sha: input.headSha ?? createHash('sha1').update(`run-${id}`).digest('hex'),
      event: input.event ?? 'push',
      path: '.github/workflows/deploy.yml',
      status: input.pending.length > 0 ? 'waiting' : 'in_progress',
      conclusion: null,
      created_at: at,
      updated_at: at,
      actor: input.actor ?? repo.owner,
      pending: input.pending.map((p, i) => ({
        environment: p.environment,
        environmentId: id * 10 + i,
        customRule: p.customRule ?? true,
        state: 'waiting',
      })),
    };
    repo.runs = [...(repo.runs ?? []), run];
    this.changed();
    return run;
  }

  workflowRun(repo: RepoRecord, id: number): WorkflowRunRecord | undefined {
    return repo.runs?.find((run) => run.id === id);
  }

  /**
   * A custom rule's answer for one environment of a run: a rejection fails the run, and the run goes on once no
   * environment waits any more.
   */
  reviewDeployment(
    run: WorkflowRunRecord,
    pending: PendingDeploymentRecord,
    state: 'approved' | 'rejected',
    comment?: string,
  ): void {
    pending.state = state;
    if (comment !== undefined) pending.comment = comment;
    run.updated_at = timestamp(this.now());
    if (state === 'rejected') {
      run.status = 'completed';
      run.conclusion = 'failure';
    } else if (run.pending.every((p) => p.state === 'approved' || !p.customRule)) {
      if (run.pending.every((p) => p.state === 'approved')) run.status = 'in_progress';
    }
    this.changed();
  }

  /**
   * Adds a reaction as any user without HTTP or permission checks; an existing one of the same person and content is
   * answered instead (`created` false), as GitHub does. Reactions do not move the comment's or the issue's updated_at.
   */
  addReaction(
    comment: CommentRecord,
    content: ReactionContent,
    login: string,
  ): { reaction: ReactionRecord; created: boolean } {
    const reactions = (comment.reactions ??= []);
    const existing = reactions.find((r) => r.content === content && r.user.login.toLowerCase() === login.toLowerCase());
    if (existing) return { reaction: existing, created: false };
    const id = this.nextId.reaction++;
    const reaction: ReactionRecord = {
      id,
      node_id: nodeId('REA', 'Reaction', id),
      content,
      user: { login: this.user(login)?.login ?? login },
      created_at: timestamp(this.now()),
    };
    reactions.push(reaction);
    this.changed();
    return { reaction, created: true };
  }

  // ---- files -------------------------------------------------------------------------------------------------

  /** Puts a file at a ref (default branch `main`, or a commit sha); the sandbox has no git history otherwise. */
  putFileDirect(fullName: string, path: string, content: string, ref = 'main'): FileRecord {
    const repo = this.ensureRepo(fullName);
    const clean = path.replace(/^\/+/, '');
    const sha = createHash('sha1')
      .update(`blob ${Buffer.byteLength(content)}\0${content}`)
      .digest('hex');
    const file: FileRecord = { ref, path: clean, content, sha };
    repo.files = [...(repo.files ?? []).filter((f) => !(f.ref === ref && f.path === clean)), file];
    this.changed();
    return file;
  }

  file(repo: RepoRecord, path: string, ref: string): FileRecord | undefined {
    return (repo.files ?? []).find((f) => f.ref === ref && f.path === path);
  }

  // ---- labels ------------------------------------------------------------------------------------------------

  labels(fullName: string): LabelRecord[] {
    return this.repo(fullName)?.labels ?? [];
  }

  label(repo: RepoRecord, name: string): LabelRecord | undefined {
    const wanted = name.toLowerCase();
    return repo.labels.find((label) => label.name.toLowerCase() === wanted);
  }

  createLabel(repo: RepoRecord, input: { name: string; color?: string; description?: string | null }): LabelRecord {
    const id = this.nextId.label++;
    const label: LabelRecord = {
      id,
      node_id: nodeId('LA', 'Label', id),
      name: input.name,
      color: input.color ?? DEFAULT_LABEL_COLOR,
      description: input.description ?? null,
      default: false,
    };
    repo.labels.push(label);
    this.changed();
    return label;
  }

  createLabelDirect(
    fullName: string,
    input: { name: string; color?: string; description?: string | null },
  ): LabelRecord {
    const repo = this.ensureRepo(fullName);
    return this.label(repo, input.name) ?? this.createLabel(repo, input);
  }

  updateLabel(
    label: LabelRecord,
    changes: { name?: string; color?: string; description?: string | null },
  ): LabelRecord {
    if (changes.name !== undefined) label.name = changes.name;
    if (changes.color !== undefined) label.color = changes.color;
    if (changes.description !== undefined) label.description = changes.description;
    this.changed();
    return label;
  }

  deleteLabel(repo: RepoRecord, label: LabelRecord): void {
    repo.labels = repo.labels.filter((candidate) => candidate !== label);
    for (const issue of repo.issues) issue.labelIds = issue.labelIds.filter((id) => id !== label.id);
    this.changed();
  }

  // ---- persistence -------------------------------------------------------------------------------------------

  toJSON(): StoreSnapshot {
    return { version: 1, nextId: { ...this.nextId }, users: this.userList, repos: [...this.repoMap.values()] };
  }

  /** Replaces the whole state with a snapshot from `toJSON` (users from the snapshot win over configured ones). */
  loadSnapshot(snapshot: StoreSnapshot): void {
    if (snapshot.version !== 1) throw new Error(`unsupported sandbox state version ${String(snapshot.version)}`);
    this.nextId = { reaction: 50_000_000, ...snapshot.nextId };
    this.userList.splice(0, this.userList.length, ...snapshot.users);
    this.repoMap.clear();
    for (const repo of snapshot.repos) this.repoMap.set(`${repo.owner}/${repo.name}`.toLowerCase(), repo);
  }

  static fromJSON(snapshot: StoreSnapshot, now?: () => Date): SandboxStore {
    const store = new SandboxStore(now);
    store.loadSnapshot(snapshot);
    return store;
  }

  // ---- internals ---------------------------------------------------------------------------------------------

  /**
   * Marks an issue as changed; GitHub bumps updated_at for edits, label and assignee changes and new comments.
   * Backdated setup data (createdAt in the past) never moves updated_at backwards.
   */
  touch(repo: RepoRecord, issue: IssueRecord, at: string = timestamp(this.now())): void {
    if (at > issue.updated_at) issue.updated_at = at;
    if (at > repo.updated_at) repo.updated_at = at;
    this.changed();
  }

  private dedupe(logins: string[]): string[] {
    return [...new Set(logins)];
  }

  private changed(): void {
    this.onChange?.();
  }
}
