// GitHub's JSON for the change records (sandbox/changes.ts): deployment, deployment-status, commit, commit
// comparison, and a full pull-request (pullSimple plus the fields only a single pull request carries).
import { createHash } from 'node:crypto';
import type { CommitRecord, DeploymentRecord, DeploymentStatusRecord } from './changes';
import type { Payloads, Urls } from './payloads';
import type { IssueRecord, RepoRecord, UserRecord } from './store';

type Payload = Record<string, unknown>;

export function deploymentPayload(payloads: Payloads, repo: RepoRecord, d: DeploymentRecord): Payload {
  const api = payloads.repoApiUrl(repo);
  return {
    url: `${api}/deployments/${d.id}`,
    id: d.id,
    node_id: Buffer.from(`Deployment:${d.id}`).toString('base64'),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: payloads.simpleUser(d.creator),
    created_at: d.created_at,
    updated_at: d.updated_at,
    statuses_url: `${api}/deployments/${d.id}/statuses`,
    repository_url: api,
    transient_environment: d.transient,
    production_environment: d.production,
  };
}

export function deploymentStatusPayload(
  payloads: Payloads,
  urls: Urls,
  repo: RepoRecord,
  d: DeploymentRecord,
  s: DeploymentStatusRecord,
): Payload {
  const api = payloads.repoApiUrl(repo);
  // GitHub answers "" for URLs never given, which its own description's `uri` format rejects: the deployments page.
  const page = `${urls.web}/${repo.owner}/${repo.name}/deployments`;
  return {
    url: `${api}/deployments/${d.id}/statuses/${s.id}`,
    id: s.id,
    node_id: Buffer.from(`DeploymentStatus:${s.id}`).toString('base64'),
    state: s.state,
    creator: payloads.simpleUser(s.creator),
    description: s.description,
    environment: s.environment,
    target_url: s.target_url || page,
    created_at: s.created_at,
    updated_at: s.created_at,
    deployment_url: `${api}/deployments/${d.id}`,
    repository_url: api,
    environment_url: s.environment_url || page,
    log_url: s.log_url || page,
  };
}

/** A commit as compare lists it (no files). */
export function commitPayload(payloads: Payloads, urls: Urls, repo: RepoRecord, c: CommitRecord): Payload {
  const api = payloads.repoApiUrl(repo);
  const web = `${urls.web}/${repo.owner}/${repo.name}/commit/${c.sha}`;
  const person = { name: c.author, email: `${c.author}@users.noreply.example.com`, date: c.date };
  const user = payloads.simpleUser(c.author);
  return {
    url: `${api}/commits/${c.sha}`,
    sha: c.sha,
    node_id: Buffer.from(`Commit:${c.sha}`).toString('base64'),
    html_url: web,
    comments_url: `${api}/commits/${c.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${c.sha}`,
      author: person,
      committer: person,
      message: c.message,
      comment_count: 0,
      tree: { sha: sha1Of(`tree:${c.sha}`), url: `${api}/git/trees/${sha1Of(`tree:${c.sha}`)}` },
    },
    author: user,
    committer: user,
    parents: c.parent
      ? [{ sha: c.parent, url: `${api}/commits/${c.parent}`, html_url: `${urls.web}/${repo.owner}/${repo.name}` }]
      : [],
  };
}

/** diff-entry items for paths (the sandbox keeps no contents: one changed line each). */
export function filesPayload(
  payloads: Payloads,
  urls: Urls,
  repo: RepoRecord,
  sha: string,
  files: string[],
): Payload[] {
  const api = payloads.repoApiUrl(repo);
  return files.map((filename) => ({
    sha: sha1Of(`${sha}:${filename}`),
    filename,
    status: 'modified',
    additions: 1,
    deletions: 1,
    changes: 2,
    blob_url: `${urls.web}/${repo.owner}/${repo.name}/blob/${sha}/${filename}`,
    raw_url: `${urls.web}/${repo.owner}/${repo.name}/raw/${sha}/${filename}`,
    contents_url: `${api}/contents/${filename}?ref=${sha}`,
    patch: '@@ -1 +1 @@\n-before\n+after',
  }));
}

/** A pull request as GET/POST .../pulls/{n} answer it. */
export function fullPullPayload(
  payloads: Payloads,
  repo: RepoRecord,
  issue: IssueRecord,
  viewer: UserRecord | undefined,
): Payload {
  return {
    ...payloads.pullSimple(repo, issue, viewer),
    merged: false,
    mergeable: true,
    rebaseable: true,
    mergeable_state: 'clean',
    merged_by: null,
    comments: issue.comments,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 1,
    deletions: 1,
    changed_files: 1,
  };
}

/** Stable fake object ids: the sandbox has no git objects behind its commits. */
function sha1Of(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
