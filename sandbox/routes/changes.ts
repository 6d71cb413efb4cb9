// Commits and what follows from them: compare (with files), one commit (with its files), a commit's pull requests,
// opening a pull request, and dispatching a workflow (recorded, never run). Commits are seeded with
// `createCommitDirect` (sandbox/changes.ts); a pushed branch the sandbox never saw still takes a pull request.
import { createHash } from 'node:crypto';
import { ApiError, invalidRequest, notFound, validationFailed } from '../api-error';
import { commitPayload, filesPayload, fullPullPayload } from '../change-payloads';
import { changesOf, findCommit, nextChangeId } from '../changes';
import { timestamp } from '../store';
import {
  checkBodyLength,
  created,
  noContent,
  objectBody,
  ok,
  optionalString,
  pageOf,
  repoWithPush,
  type Reply,
  type RequestContext,
  type Route,
} from './context';

function compare(ctx: RequestContext): Reply {
  const repo = ctx.repo();
  const [base = '', head = ''] = decodeURIComponent(ctx.params.basehead ?? '').split('...');
  const resolve = (ref: string) => findCommit(repo, ctx.store.resolveRef(repo, ref) ?? ref);
  const from = resolve(base);
  const to = resolve(head);
  if (!from || !to) throw notFound();
  const commits = changesOf(repo).commits;
  const i = commits.indexOf(from);
  const j = commits.indexOf(to);
  const between = j > i ? commits.slice(i + 1, j + 1) : [];
  const files = new Map<string, string>();
  for (const c of between) for (const f of c.files) files.set(f, c.sha);
  const api = ctx.payloads.repoApiUrl(repo);
  const web = `${ctx.urls.web}/${repo.owner}/${repo.name}`;
  const basehead = `${from.sha}...${to.sha}`;
  return ok({
    url: `${api}/compare/${basehead}`,
    html_url: `${web}/compare/${basehead}`,
    permalink_url: `${web}/compare/${repo.owner}:${from.sha}...${repo.owner}:${to.sha}`,
    diff_url: `${web}/compare/${basehead}.diff`,
    patch_url: `${web}/compare/${basehead}.patch`,
    base_commit: commitPayload(ctx.payloads, ctx.urls, repo, from),
    merge_base_commit: commitPayload(ctx.payloads, ctx.urls, repo, j >= i ? from : to),
    status: j > i ? 'ahead' : j === i ? 'identical' : 'behind',
    ahead_by: between.length,
    behind_by: j < i ? i - j : 0,
    total_commits: between.length,
    commits: between.map((c) => commitPayload(ctx.payloads, ctx.urls, repo, c)),
    files: [...files].flatMap(([file, sha]) => filesPayload(ctx.payloads, ctx.urls, repo, sha, [file])),
  });
}

function getCommit(ctx: RequestContext): Reply {
  const repo = ctx.repo();
  const ref = decodeURIComponent(ctx.params.ref ?? '');
  const commit = findCommit(repo, ctx.store.resolveRef(repo, ref) ?? ref);
  if (!commit)
    throw new ApiError(422, `No commit found for SHA: ${ref}`, undefined, 'https://docs.github.com/rest/commits');
  const files = filesPayload(ctx.payloads, ctx.urls, repo, commit.sha, commit.files);
  return ok({
    ...commitPayload(ctx.payloads, ctx.urls, repo, commit),
    stats: { total: files.length * 2, additions: files.length, deletions: files.length },
    files,
  });
}

function pullsOfCommit(ctx: RequestContext): Reply {
  const repo = ctx.repo();
  const sha = (ctx.params.commit_sha ?? '').toLowerCase();
  const commit = findCommit(repo, sha);
  const pulls = repo.issues.filter(
    (issue) =>
      issue.pullRequest &&
      (commit?.pulls.includes(issue.number) || (issue.pull?.headSha !== undefined && issue.pull.headSha === sha)),
  );
  return pageOf(ctx, pulls, (issue) => ctx.payloads.pullSimple(repo, issue, ctx.actor.user));
}

function createPull(ctx: RequestContext): Reply {
  const { user, repo } = repoWithPush(ctx);
  const body = objectBody(ctx);
  const title = optionalString(body, 'title');
  const head = optionalString(body, 'head');
  const base = optionalString(body, 'base');
  if (!head) throw invalidRequest(`"head" wasn't supplied.`);
  if (!base) throw invalidRequest(`"base" wasn't supplied.`);
  if (!title) throw validationFailed({ resource: 'PullRequest', code: 'missing_field', field: 'title' });
  const text = optionalString(body, 'body', { nullable: true }) ?? null;
  checkBodyLength(text, 'Issue');
  const headRef = head.includes(':') ? head.slice(head.indexOf(':') + 1) : head;
  if (base !== 'main' && !repo.branches?.[base])
    throw validationFailed({ resource: 'PullRequest', code: 'invalid', field: 'base' });
  const open = repo.issues.find(
    (i) => i.pullRequest && i.state === 'open' && i.pull?.headRef === headRef && i.pull.baseRef === base,
  );
  if (open)
    throw validationFailed({
      resource: 'PullRequest',
      code: 'custom',
      message: `A pull request already exists for ${repo.owner}:${headRef}.`,
    });
  const pull = ctx.store.createPullDirect(`${repo.owner}/${repo.name}`, {
    title,
    body: text,
    author: user.login,
    headRef,
    // A branch pushed to a real remote the sandbox never saw: a stable stand-in for its head commit.
    headSha:
      ctx.store.resolveRef(repo, headRef) ??
      createHash('sha1').update(`${repo.owner}/${repo.name}:${headRef}`).digest('hex'),
    baseRef: base,
    createdAt: ctx.now(),
  });
  return created(
    fullPullPayload(ctx.payloads, repo, pull, user),
    `${ctx.payloads.repoApiUrl(repo)}/pulls/${pull.number}`,
  );
}

function dispatch(ctx: RequestContext): Reply {
  const { user, repo } = repoWithPush(ctx);
  const workflow = decodeURIComponent(ctx.params.workflow_id ?? '');
  if (!/^\d+$/.test(workflow) && !/\.ya?ml$/.test(workflow)) throw notFound();
  const body = objectBody(ctx);
  const ref = optionalString(body, 'ref');
  if (!ref) throw invalidRequest(`"ref" wasn't supplied.`);
  if (ref !== 'main' && !ctx.store.resolveRef(repo, ref))
    throw validationFailed({ resource: 'Workflow', code: 'custom', field: 'ref', message: `No ref found for: ${ref}` });
  const raw = body['inputs'] ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw invalidRequest(`For 'properties/inputs', ${JSON.stringify(raw)} is not an object.`);
  const inputs = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
  const id = nextChangeId(repo);
  changesOf(repo).dispatches.push({ id, workflow, ref, inputs, actor: user.login, created_at: timestamp(ctx.now()) });
  ctx.store.onChange?.();
  if (body['return_run_details'] !== true) return noContent();
  const api = ctx.payloads.repoApiUrl(repo);
  return ok({
    workflow_run_id: id,
    run_url: `${api}/actions/runs/${id}`,
    html_url: `${ctx.urls.web}/${repo.owner}/${repo.name}/actions/runs/${id}`,
  });
}

export const changeRoutes: Route[] = [
  { method: 'GET', template: '/repos/{owner}/{repo}/compare/{basehead}', multiSegment: ['basehead'], handle: compare },
  { method: 'GET', template: '/repos/{owner}/{repo}/commits/{ref}', multiSegment: ['ref'], handle: getCommit },
  { method: 'GET', template: '/repos/{owner}/{repo}/commits/{commit_sha}/pulls', handle: pullsOfCommit },
  { method: 'POST', template: '/repos/{owner}/{repo}/pulls', handle: createPull },
  { method: 'POST', template: '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', handle: dispatch },
];
