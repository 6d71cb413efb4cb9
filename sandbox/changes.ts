// The sandbox's record of changes and deploys: a linear commit history (with each commit's files and pull request),
// deployments with their statuses, and workflow dispatches. Tests seed a history with the *Direct helpers; the
// routes in routes/deployments.ts and routes/changes.ts serve it. The sandbox has no git: commits are records.
import { createHash } from 'node:crypto';
import { timestamp, type RepoRecord, type SandboxStore } from './store';

export interface CommitRecord {
  sha: string;
  message: string;
  /** GitHub login of the author (also the git author name). */
  author: string;
  date: string;
  parent: string | null;
  files: string[];
  /** Pull requests GitHub associates with the commit. */
  pulls: number[];
}

export const DEPLOYMENT_STATES = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success',
] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

export interface DeploymentStatusRecord {
  id: number;
  state: DeploymentState;
  creator: string;
  description: string;
  environment: string;
  target_url: string;
  log_url: string;
  environment_url: string;
  created_at: string;
}

export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  creator: string;
  payload: Record<string, unknown> | string;
  production: boolean;
  transient: boolean;
  created_at: string;
  updated_at: string;
  /** Oldest first. */
  statuses: DeploymentStatusRecord[];
}

export interface DispatchRecord {
  id: number;
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
  actor: string;
  created_at: string;
}

export interface ChangesRecord {
  nextId: number;
  commits: CommitRecord[];
  deployments: DeploymentRecord[];
  dispatches: DispatchRecord[];
}

/** The repository's change record, created on first use. */
export function changesOf(repo: RepoRecord): ChangesRecord {
  repo.changes ??= { nextId: repo.id * 1000 + 1, commits: [], deployments: [], dispatches: [] };
  return repo.changes;
}

export function nextChangeId(repo: RepoRecord): number {
  return changesOf(repo).nextId++;
}

export function findCommit(repo: RepoRecord, sha: string): CommitRecord | undefined {
  const wanted = sha.toLowerCase();
  if (!/^[0-9a-f]{7,40}$/.test(wanted)) return undefined;
  return changesOf(repo).commits.find((c) => c.sha.startsWith(wanted));
}

export interface NewCommit {
  message: string;
  files: string[];
  author?: string;
  date?: Date;
  /** A real commit's sha (to match a test's git repository); default: derived from the message. */
  sha?: string;
  /** Opens (and merges) a pull request for the commit. */
  pull?: { title?: string; author?: string };
}

/** Appends a commit to the default branch (`main` moves to it). */
export function createCommitDirect(store: SandboxStore, fullName: string, input: NewCommit): CommitRecord {
  const repo = store.ensureRepo(fullName);
  const changes = changesOf(repo);
  const parent = changes.commits.at(-1)?.sha ?? null;
  const sha = (
    input.sha ??
    createHash('sha1')
      .update(`${fullName}\n${parent ?? ''}\n${input.message}\n${changes.commits.length}`)
      .digest('hex')
  ).toLowerCase();
  const author = input.author ?? 'octo-dev';
  const commit: CommitRecord = {
    sha,
    message: input.message,
    author,
    date: timestamp(input.date ?? new Date()),
    parent,
    files: [...input.files],
    pulls: [],
  };
  if (input.pull) {
    const pull = store.createPullDirect(fullName, {
      title: input.pull.title ?? input.message.split('\n')[0] ?? input.message,
      author: input.pull.author ?? author,
      headSha: sha,
      ...(input.date ? { createdAt: input.date } : {}),
    });
    store.updateIssue(repo, pull, { state: 'closed' });
    commit.pulls.push(pull.number);
  }
  changes.commits.push(commit);
  store.setBranchDirect(fullName, 'main', sha);
  return commit;
}

export interface NewDeployment {
  sha: string;
  environment: string;
  /** States in order; the last is the deployment's latest status. */
  states: DeploymentState[];
  createdAt?: Date;
  creator?: string;
  ref?: string;
}

/** A deployment with its statuses, as a deploy workflow would have left them. */
export function createDeploymentDirect(store: SandboxStore, fullName: string, input: NewDeployment): DeploymentRecord {
  const repo = store.ensureRepo(fullName);
  // Milliseconds kept, like the routes (see routes/deployments.ts).
  const at = (input.createdAt ?? new Date()).toISOString();
  const deployment = addDeployment(repo, {
    sha: input.sha.toLowerCase(),
    ref: input.ref ?? input.sha,
    environment: input.environment,
    creator: input.creator ?? 'github-actions[bot]',
    at,
  });
  for (const state of input.states) addDeploymentStatus(repo, deployment, { state, creator: deployment.creator, at });
  store.onChange?.();
  return deployment;
}

export function addDeployment(
  repo: RepoRecord,
  input: Pick<DeploymentRecord, 'sha' | 'ref' | 'environment' | 'creator'> &
    Partial<Pick<DeploymentRecord, 'task' | 'description' | 'payload' | 'production' | 'transient'>> & { at: string },
): DeploymentRecord {
  const deployment: DeploymentRecord = {
    id: nextChangeId(repo),
    sha: input.sha,
    ref: input.ref,
    task: input.task ?? 'deploy',
    environment: input.environment,
    description: input.description ?? null,
    creator: input.creator,
    payload: input.payload ?? {},
    production: input.production ?? input.environment === 'production',
    transient: input.transient ?? false,
    created_at: input.at,
    updated_at: input.at,
    statuses: [],
  };
  changesOf(repo).deployments.push(deployment);
  return deployment;
}

export function addDeploymentStatus(
  repo: RepoRecord,
  deployment: DeploymentRecord,
  input: { state: DeploymentState; creator: string; at: string } & Partial<
    Pick<DeploymentStatusRecord, 'description' | 'target_url' | 'log_url' | 'environment_url'>
  >,
): DeploymentStatusRecord {
  const status: DeploymentStatusRecord = {
    id: nextChangeId(repo),
    state: input.state,
    creator: input.creator,
    description: input.description ?? '',
    environment: deployment.environment,
    target_url: input.target_url ?? input.log_url ?? '',
    log_url: input.log_url ?? input.target_url ?? '',
    environment_url: input.environment_url ?? '',
    created_at: input.at,
  };
  deployment.statuses.push(status);
  deployment.updated_at = input.at;
  return status;
}

/** Workflow dispatches so far, oldest first (for tests to assert on). */
export function dispatchesOf(store: SandboxStore, fullName: string): readonly DispatchRecord[] {
  const repo = store.repo(fullName);
  return repo ? changesOf(repo).dispatches : [];
}
