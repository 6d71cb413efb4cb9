// Who can be assigned, and adding/removing assignees on an issue. Unassignable logins are silently ignored here,
// unlike issue create/update which answer 422 for them.
import { notFound } from '../api-error';
import { canPush, canTriage } from '../auth';
import type { IssueRecord, RepoRecord, SandboxStore, UserRecord } from '../store';
import { findIssue, noContent, objectBody, optionalStringArray, pageOf, requireUser, route } from './context';
import type { Reply, RequestContext, Route } from './context';
import { notifyIssueUpdated } from '../notifications';

/**
 * Users with push access can be assigned anywhere; on a public repository, so can anyone who commented on the issue
 * (GitHub's rule). Bots cannot be assigned.
 */
export function assignableUser(
  store: SandboxStore,
  repo: RepoRecord,
  login: string,
  issue?: IssueRecord,
): UserRecord | undefined {
  const user = store.user(login);
  if (user === undefined || user.type === 'Bot') return undefined;
  if (canPush(user)) return user;
  if (issue && !repo.private) {
    const commented = repo.comments.some(
      (c) => c.issueNumber === issue.number && c.user.login.toLowerCase() === user.login.toLowerCase(),
    );
    if (commented) return user;
  }
  return undefined;
}

function listAssignees(ctx: RequestContext): Reply {
  const repo = ctx.repo();
  const users = ctx.store.users().filter((user) => assignableUser(ctx.store, repo, user.login) !== undefined);
  return pageOf(ctx, users, (user) => ctx.payloads.simpleUser(user.login));
}

function checkRepoAssignee(ctx: RequestContext): Reply {
  const repo = ctx.repo();
  if (!assignableUser(ctx.store, repo, ctx.params.assignee ?? '')) throw notFound();
  return noContent();
}

function checkIssueAssignee(ctx: RequestContext): Reply {
  const { repo, issue } = findIssue(ctx);
  if (!assignableUser(ctx.store, repo, ctx.params.assignee ?? '', issue)) throw notFound();
  return noContent();
}

/** Without triage access GitHub ignores the request and answers with the unchanged issue. */
function addAssignees(ctx: RequestContext): Reply {
  const user = requireUser(ctx);
  const { repo, issue } = findIssue(ctx);
  const wanted = optionalStringArray(objectBody(ctx), 'assignees') ?? [];
  if (canTriage(user)) {
    const additions = wanted.flatMap((login) => assignableUser(ctx.store, repo, login, issue)?.login ?? []);
    const before = { state: issue.state, assignees: [...issue.assignees] };
    ctx.store.updateIssue(repo, issue, { assignees: [...issue.assignees, ...additions] });
    notifyIssueUpdated(ctx.store, repo, before, issue, user.login);
  }
  return { status: 201, body: ctx.payloads.issue(repo, issue) };
}

function removeAssignees(ctx: RequestContext): Reply {
  const user = requireUser(ctx);
  const { repo, issue } = findIssue(ctx);
  const removed = new Set(
    (optionalStringArray(objectBody(ctx), 'assignees') ?? []).map((login) => login.toLowerCase()),
  );
  if (canTriage(user)) {
    ctx.store.updateIssue(repo, issue, {
      assignees: issue.assignees.filter((login) => !removed.has(login.toLowerCase())),
    });
  }
  return { status: 200, body: ctx.payloads.issue(repo, issue) };
}

export const assigneeRoutes: Route[] = [
  route('GET', '/repos/{owner}/{repo}/assignees', listAssignees),
  route('GET', '/repos/{owner}/{repo}/assignees/{assignee}', checkRepoAssignee),
  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/assignees/{assignee}', checkIssueAssignee),
  route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/assignees', addAssignees),
  route('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/assignees', removeAssignees),
];
