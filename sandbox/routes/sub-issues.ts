// Sub-issues: children are named by issue id (not number), may live in another repository of the same owner,
// and have at most one parent.
import { invalidRequest, notFound, validationFailed } from '../api-error';
import type { IssueRecord, RepoRecord } from '../store';
import { created, findIssue, objectBody, ok, pageOf, requireTriage, route } from './context';
import type { Reply, RequestContext, Route } from './context';

function subIssueId(ctx: RequestContext): number {
  const value = objectBody(ctx).sub_issue_id;
  if (value === undefined) throw invalidRequest(`"sub_issue_id" wasn't supplied.`);
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalidRequest(`For 'properties/sub_issue_id', ${JSON.stringify(value)} is not an integer.`);
  }
  return value;
}

function subIssueError(message: string): Error {
  return validationFailed({ resource: 'Issue', code: 'custom', field: 'sub_issue_id', message });
}

function isAncestor(ctx: RequestContext, candidate: IssueRecord, of: IssueRecord): boolean {
  for (let parentId = of.parentId; parentId !== null;) {
    if (parentId === candidate.id) return true;
    parentId = ctx.store.issueById(parentId)?.issue.parentId ?? null;
  }
  return false;
}

/** Answers with the parent issue, whose sub_issues_summary now counts the child. */
function addSubIssue(ctx: RequestContext): Reply {
  requireTriage(ctx);
  const { repo, issue: parent } = findIssue(ctx);
  const id = subIssueId(ctx);
  const replaceParent = objectBody(ctx).replace_parent === true;
  const child = ctx.store.issueById(id);
  if (!child || child.repo.owner.toLowerCase() !== repo.owner.toLowerCase()) throw notFound();
  if (child.issue.pullRequest) throw subIssueError('Pull requests cannot be sub-issues');
  if (child.issue.id === parent.id) throw subIssueError('An issue cannot be a sub-issue of itself');
  if (child.issue.parentId === parent.id) throw subIssueError('Issue may not contain duplicate sub-issues');
  if (child.issue.parentId !== null && !replaceParent) throw subIssueError('Issue may not have more than one parent');
  if (isAncestor(ctx, child.issue, parent)) throw subIssueError('Issue cannot be a sub-issue of its own sub-issue');
  ctx.store.addSubIssue(parent, child, repo);
  return created(ctx.payloads.issue(repo, parent), `${ctx.payloads.issueApiUrl(repo, parent.number)}/sub_issues`);
}

function removeSubIssue(ctx: RequestContext): Reply {
  requireTriage(ctx);
  const { repo, issue: parent } = findIssue(ctx);
  const id = subIssueId(ctx);
  const child = ctx.store.issueById(id);
  if (!child || child.issue.parentId !== parent.id) throw notFound();
  ctx.store.removeSubIssue(parent.id, child.issue);
  return ok(ctx.payloads.issue(repo, parent));
}

function children(ctx: RequestContext, parent: IssueRecord): Array<{ repo: RepoRecord; issue: IssueRecord }> {
  return parent.subIssueIds.flatMap((id) => ctx.store.issueById(id) ?? []);
}

function getParent(ctx: RequestContext): Reply {
  const { issue } = findIssue(ctx);
  const parent = issue.parentId === null ? undefined : ctx.store.issueById(issue.parentId);
  if (!parent) throw notFound();
  return ok(ctx.payloads.issue(parent.repo, parent.issue), parent.issue.updated_at);
}

export const subIssueRoutes: Route[] = [
  route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/sub_issues', addSubIssue),
  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/sub_issues', (ctx) => {
    const { issue } = findIssue(ctx);
    return pageOf(ctx, children(ctx, issue), (child) => ctx.payloads.issue(child.repo, child.issue));
  }),
  route('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/sub_issue', removeSubIssue),
  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/parent', getParent),
];
