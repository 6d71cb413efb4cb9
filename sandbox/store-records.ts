// The shapes of the sandbox's state (users, repositories, issues, comments, labels, statuses, runs) as saved in the
// state file, with GitHub's timestamp format; sandbox/store.ts re-exports them all.
import type { ChangesRecord } from './changes';

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';
export type UserType = 'User' | 'Bot';
export type AuthorAssociation = 'OWNER' | 'MEMBER' | 'COLLABORATOR' | 'CONTRIBUTOR' | 'NONE';
export type StateReason = 'completed' | 'reopened' | 'not_planned' | 'duplicate';

export interface UserRecord {
  id: number;
  login: string;
  token: string | undefined;
  permission: Permission;
  type: UserType;
  created_at: string;
}

/** The author of an issue or comment, shaped like GitHub's `user` so records read like payloads. */
export interface UserRef {
  login: string;
}

export interface LabelRecord {
  id: number;
  node_id: string;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface IssueRecord {
  id: number;
  node_id: string;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: StateReason | null;
  labelIds: number[];
  /** Logins, in the order they were assigned. */
  assignees: string[];
  user: UserRef;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  closed_by: string | null;
  locked: boolean;
  comments: number;
  parentId: number | null;
  subIssueIds: number[];
  /** Pull requests share the issue number space and show up in issue lists; the sandbox never creates them itself. */
  pullRequest: boolean;
  /** Forces author_association (forged or foreign content); otherwise derived from the author's permission. */
  authorAssociation?: AuthorAssociation;
  /** A pull request's branches (set by createPullDirect): what GET .../pulls lists. */
  pull?: PullInfo;
}

export interface PullInfo {
  headRef: string;
  headSha: string;
  baseRef: string;
  /** owner/name of the fork the head is in; undefined: the base repository itself. */
  headRepo?: string;
}

/** A commit status (POST /repos/{owner}/{repo}/statuses/{sha}); the sandbox has no commits, any sha takes them. */
export interface StatusRecord {
  id: number;
  node_id: string;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  target_url: string | null;
  creator: string;
  created_at: string;
  updated_at: string;
}

export interface NewPull {
  title: string;
  body?: string | null;
  author?: string;
  headRef?: string;
  headSha: string;
  baseRef?: string;
  /** A pull request from a fork (owner/name). */
  headRepo?: string;
  createdAt?: Date;
}

export interface CommentRecord {
  id: number;
  node_id: string;
  issueNumber: number;
  body: string;
  user: UserRef;
  created_at: string;
  updated_at: string;
  authorAssociation?: AuthorAssociation;
  /** Absent until someone reacts (and in state files written before reactions were served). */
  reactions?: ReactionRecord[];
}

/** One person's reaction to a comment; GitHub keeps one per person and content. */
export interface ReactionRecord {
  id: number;
  node_id: string;
  content: ReactionContent;
  user: UserRef;
  created_at: string;
}

export const REACTION_CONTENTS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'] as const;
export type ReactionContent = (typeof REACTION_CONTENTS)[number];

/** A file of a repository at one ref (a branch name or a commit sha), for the contents API. */
export interface FileRecord {
  ref: string;
  path: string;
  content: string;
  /** The git blob sha of the content. */
  sha: string;
}

/** A deployment of a workflow run waiting for an environment's protection rules. */
export interface PendingDeploymentRecord {
  environment: string;
  environmentId: number;
  /** Whether a GitHub App custom protection rule gates it (answered through .../deployment_protection_rule). */
  customRule: boolean;
  /** The custom rule's answer, once given. */
  state: 'waiting' | 'approved' | 'rejected';
  comment?: string;
}

/** A workflow run (GET .../actions/runs); the sandbox runs nothing: runs are seeded with `createWorkflowRunDirect`. */
export interface WorkflowRunRecord {
  id: number;
  node_id: string;
  name: string;
  run_number: number;
  head_branch: string;
  head_sha: string;
  event: string;
  path: string;
  status: 'queued' | 'in_progress' | 'waiting' | 'completed';
  conclusion: string | null;
  created_at: string;
  updated_at: string;
  actor: string;
  pending: PendingDeploymentRecord[];
}

export interface NewWorkflowRun {
  name?: string;
  headBranch?: string;
  headSha?: string;
  event?: string;
  actor?: string;
  /** Environments the run waits for: custom-rule ones by default. */
  pending: readonly { environment: string; customRule?: boolean }[];
}

export interface RepoRecord {
  id: number;
  node_id: string;
  owner: string;
  name: string;
  private: boolean;
  created_at: string;
  updated_at: string;
  nextNumber: number;
  issues: IssueRecord[];
  labels: LabelRecord[];
  comments: CommentRecord[];
  /** Absent in state files written before the contents API was served. */
  files?: FileRecord[];
  /** Commit statuses, oldest first; absent in older state files. */
  statuses?: StatusRecord[];
  /** Branch name -> head commit sha (setBranchDirect); absent in older state files. */
  branches?: Record<string, string>;
  /** Workflow runs, oldest first; absent in older state files. */
  runs?: WorkflowRunRecord[];
  /** Commits, deployments and workflow dispatches (sandbox/changes.ts); absent in older state files. */
  changes?: ChangesRecord;
}

export interface NewUser {
  login: string;
  token?: string;
  permission?: Permission;
  type?: UserType;
}

export interface NewIssue {
  title: string;
  body?: string | null;
  labels?: string[];
  assignees?: string[];
  author?: string;
  state?: 'open' | 'closed';
  stateReason?: StateReason | null;
  pullRequest?: boolean;
  authorAssociation?: AuthorAssociation;
  createdAt?: Date;
}

export interface NewComment {
  body: string;
  author?: string;
  authorAssociation?: AuthorAssociation;
  createdAt?: Date;
}

export interface IssueChanges {
  title?: string;
  body?: string | null;
  state?: 'open' | 'closed';
  stateReason?: StateReason | null;
  labels?: string[];
  assignees?: string[];
  /** Who made the change (recorded as closed_by when closing). */
  actor?: string;
}

export interface StoreSnapshot {
  version: 1;
  nextId: { user: number; repo: number; issue: number; comment: number; label: number; reaction?: number };
  users: UserRecord[];
  repos: RepoRecord[];
}

export const DEFAULT_LABEL_COLOR = 'ededed';

/** GitHub timestamps have second precision: "2024-05-01T12:00:00Z". */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
