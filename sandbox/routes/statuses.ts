// Pull requests (the open list, with head and base branches) and commit statuses (create, list for a ref, the
// combined status), for gates that mark pull requests through a required status check. Pull requests are set up
// with `store.createPullDirect`, branches with `store.setBranchDirect`; the sandbox has no git, so any 40-hex sha
// takes statuses and a ref is a branch it knows or a full sha.
import { forbidden, invalidRequest, notFound, validationFailed } from '../api-error';
import { canPush, notAccessibleMessage } from '../auth';
import type { RepoRecord, StatusRecord } from '../store';
import { created, objectBody, ok, optionalString, pageOf, requireUser, route, sortBy } from './context';
import type { Reply, RequestContext, Route } from './context';

const STATES = ['error', 'failure', 'pending', 'success'] as const;
const MAX_DESCRIPTION = 140;

function listPulls(ctx: RequestContext): Reply {
  const repo = ctx.repo();
  const state = ctx.query.get('state') ?? 'open';
  if (!['open', 'closed', 'all'].includes(state))
    throw validationFailed({ resource: 'Search', field: 'state', code: 'invalid' });
  const base = ctx.query.get('base');
  // `head` is `owner:branch` (the branch alone is also accepted, as GitHub does).
  const head = ctx.query.get('head')?.replace(/^[^:]*:/, '') ?? null;
  const direction = ctx.query.get('direction') === 'asc' ? 'asc' : 'desc';
  const sort = ctx.query.get('sort') ?? 'created';
  const pulls = repo.issues.filter(
    (issue) =>
      issue.pullRequest &&
      (state === 'all' || issue.state === state) &&
      (base === null || (issue.pull?.baseRef ?? 'main') === base) &&
      (head === null || issue.pull?.headRef === head),
  );
  const sorted = sortBy(pulls, (issue) => (sort === 'updated' ? issue.updated_at : issue.created_at), direction);
  return pageOf(ctx, sorted, (issue) => ctx.payloads.pullSimple(repo, issue, ctx.actor.user));
}

function resolve(ctx: RequestContext, repo: RepoRecord): string {
  const sha = ctx.store.resolveRef(repo, decodeURIComponent(ctx.params.ref ?? ''));
  if (!sha) throw notFound();
  return sha;
}

function createStatus(ctx: RequestContext): Reply {
  const user = requireUser(ctx);
  if (!canPush(user)) throw forbidden(notAccessibleMessage(user));
  const repo = ctx.repo();
  const sha = (ctx.params.sha ?? '').toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(sha))
    throw validationFailed({
      resource: 'Status',
      code: 'custom',
      field: 'sha',
      message: `No commit found for SHA: ${sha}`,
    });
  const body = objectBody(ctx);
  const state = optionalString(body, 'state');
  if (state === undefined || state === null) throw invalidRequest(`"state" wasn't supplied.`);
  if (!(STATES as readonly string[]).includes(state))
    throw validationFailed({
      resource: 'Status',
      code: 'custom',
      field: 'state',
      message: `state is not included in the list`,
    });
  const description = optionalString(body, 'description', { nullable: true }) ?? null;
  if (description !== null && description.length > MAX_DESCRIPTION)
    throw validationFailed({
      resource: 'Status',
      code: 'custom',
      field: 'description',
      message: `description is too long (maximum is ${MAX_DESCRIPTION} characters)`,
    });
  const status = ctx.store.createStatus(repo, {
    sha,
    state: state as StatusRecord['state'],
    context: optionalString(body, 'context') ?? 'default',
    description,
    target_url: optionalString(body, 'target_url', { nullable: true }) ?? null,
    creator: user.login,
  });
  return created(ctx.payloads.status(repo, status), `${ctx.payloads.repoApiUrl(repo)}/statuses/${sha}`);
}

export const statusRoutes: Route[] = [
  route('GET', '/repos/{owner}/{repo}/pulls', listPulls),
  route('POST', '/repos/{owner}/{repo}/statuses/{sha}', createStatus),
  route('GET', '/repos/{owner}/{repo}/commits/{ref}/statuses', (ctx) => {
    const repo = ctx.repo();
    const sha = resolve(ctx, repo);
    return pageOf(ctx, ctx.store.statuses(`${repo.owner}/${repo.name}`, sha), (st) => ctx.payloads.status(repo, st));
  }),
  route('GET', '/repos/{owner}/{repo}/commits/{ref}/status', (ctx) => {
    const repo = ctx.repo();
    return ok(ctx.payloads.combinedStatus(repo, resolve(ctx, repo), ctx.actor.user));
  }),
];
