// Issues: create, list with GitHub's filters, get and update. As GitHub documents it, labels and assignees on a new
// issue need push access and on an update triage access; without it they are dropped silently.
import { forbidden, invalidRequest, validationFailed } from '../api-error';
import { canPush, canTriage, notAccessibleMessage } from '../auth';
import { notifyIssueOpened, notifyIssueUpdated } from '../notifications';
import type { IssueChanges, IssueRecord, RepoRecord, StateReason } from '../store';
import { assignableUser } from './assignees';
import {
  checkBodyLength,
  created,
  findIssue,
  objectBody,
  ok,
  optionalString,
  optionalStringArray,
  pageOf,
  requireUser,
  route,
  sortBy,
} from './context';
import type { Reply, RequestContext, Route } from './context';

const STATE_REASONS: readonly StateReason[] = ['completed', 'not_planned', 'duplicate', 'reopened'];

/** Titles may be strings or numbers (GitHub's schema allows integers); blank titles are a missing field. */
function readTitle(body: Record<string, unknown>): string | undefined {
  const value = body.title;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw invalidRequest(`For 'properties/title', ${JSON.stringify(value)} is not a string or an integer.`);
  }
  const title = String(value);
  if (title.trim() === '') throw validationFailed({ resource: 'Issue', code: 'missing_field', field: 'title' });
  return title;
}

/** Every login must be assignable, otherwise the whole request fails with GitHub's 422. */
function checkAssignees(ctx: RequestContext, repo: RepoRecord, logins: string[], issue?: IssueRecord): string[] {
  return logins.map((login) => {
    const user = assignableUser(ctx.store, repo, login, issue);
    if (!user) throw validationFailed({ resource: 'Issue', code: 'invalid', field: 'assignees', value: login });
    return user.login;
  });
}

/** `assignees`, or the older single `assignee` field. */
function readAssignees(body: Record<string, unknown>): string[] | undefined {
  const list = optionalStringArray(body, 'assignees');
  if (list !== undefined) return list;
  const single = optionalString(body, 'assignee', { nullable: true });
  if (single === undefined) return undefined;
  return single === null ? [] : [single];
}

/** The sandbox has no milestones, so any milestone a client names does not exist (GitHub's 422). */
function checkMilestone(body: Record<string, unknown>): void {
  const milestone = body.milestone;
  if (milestone !== undefined && milestone !== null) {
    throw validationFailed({ resource: 'Issue', code: 'invalid', field: 'milestone', value: milestone });
  }
}

function createIssue(ctx: RequestContext): Reply {
  const user = requireUser(ctx);
  const repo = ctx.repo();
  const body = objectBody(ctx);
  if (body.title === undefined) throw invalidRequest(`"title" wasn't supplied.`);
  const title = readTitle(body);
  if (title === undefined) throw invalidRequest(`For 'properties/title', nil is not a string or an integer.`);
  const text = optionalString(body, 'body', { nullable: true });
  checkBodyLength(text, 'Issue');
  let labels = optionalStringArray(body, 'labels');
  let assignees = readAssignees(body);
  if (canPush(user)) {
    if (assignees) assignees = checkAssignees(ctx, repo, assignees);
    checkMilestone(body);
  } else {
    labels = undefined;
    assignees = undefined;
  }
  const issue = ctx.store.createIssueDirect(`${repo.owner}/${repo.name}`, {
    title,
    body: text ?? null,
    author: user.login,
    ...(labels ? { labels } : {}),
    ...(assignees ? { assignees } : {}),
  });
  notifyIssueOpened(ctx.store, repo, issue, user.login);
  return created(ctx.payloads.issue(repo, issue), ctx.payloads.issueApiUrl(repo, issue.number));
}

function listIssues(ctx: RequestContext): Reply {
  const repo = ctx.repo();
  const q = ctx.query;
  const state = q.get('state') ?? 'open';
  if (!['open', 'closed', 'all'].includes(state))
    throw validationFailed({ resource: 'Issue', code: 'invalid', field: 'state', value: state });
  let issues = repo.issues.filter((issue) => state === 'all' || issue.state === state);

  const labels = (q.get('labels') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (labels.length > 0) {
    issues = issues.filter((issue) => {
      const names = new Set(ctx.store.issueLabels(repo, issue).map((label) => label.name.toLowerCase()));
      return labels.every((name) => names.has(name));
    });
  }
  const assignee = q.get('assignee');
  if (assignee === 'none') issues = issues.filter((issue) => issue.assignees.length === 0);
  else if (assignee === '*') issues = issues.filter((issue) => issue.assignees.length > 0);
  else if (assignee !== null)
    issues = issues.filter((issue) => issue.assignees.some((login) => login.toLowerCase() === assignee.toLowerCase()));
  const creator = q.get('creator');
  if (creator !== null) issues = issues.filter((issue) => issue.user.login.toLowerCase() === creator.toLowerCase());
  const mentioned = q.get('mentioned');
  if (mentioned !== null)
    issues = issues.filter((issue) => (issue.body ?? '').toLowerCase().includes(`@${mentioned.toLowerCase()}`));
  // The sandbox has no milestones: "any milestone" and a specific one match nothing, "none" matches everything.
  const milestone = q.get('milestone');
  if (milestone !== null && milestone !== 'none') issues = [];
  const since = q.get('since');
  if (since !== null) {
    const from = Date.parse(since);
    if (!Number.isNaN(from)) issues = issues.filter((issue) => Date.parse(issue.updated_at) >= from);
  }

  const sort = q.get('sort') ?? 'created';
  const direction = q.get('direction') === 'asc' ? 'asc' : 'desc';
  const key =
    sort === 'updated'
      ? (issue: IssueRecord) => issue.updated_at
      : sort === 'comments'
        ? (issue: IssueRecord) => issue.comments
        : (issue: IssueRecord) => issue.created_at;
  return pageOf(ctx, sortBy(issues, key, direction), (issue) => ctx.payloads.issue(repo, issue));
}

function getIssue(ctx: RequestContext): Reply {
  const { repo, issue } = findIssue(ctx);
  return ok(ctx.payloads.issue(repo, issue, { detail: true }), issue.updated_at);
}

/**
 * Authors may edit title, body and state of their own issues; everything else needs triage access. Labels,
 * assignees and milestone from callers without it are dropped silently.
 */
function updateIssue(ctx: RequestContext): Reply {
  const user = requireUser(ctx);
  const { repo, issue } = findIssue(ctx);
  const triage = canTriage(user);
  if (!triage && issue.user.login.toLowerCase() !== user.login.toLowerCase())
    throw forbidden(notAccessibleMessage(user));
  const body = objectBody(ctx);
  const changes: IssueChanges = { actor: user.login };

  const title = readTitle(body);
  if (title !== undefined) changes.title = title;
  const text = optionalString(body, 'body', { nullable: true });
  checkBodyLength(text, 'Issue');
  if (text !== undefined) changes.body = text;

  const state = body.state;
  if (state !== undefined) {
    if (state !== 'open' && state !== 'closed')
      throw validationFailed({ resource: 'Issue', code: 'invalid', field: 'state', value: state });
    changes.state = state;
  }
  const reason = body.state_reason;
  if (reason !== undefined) {
    if (reason !== null && !STATE_REASONS.includes(reason as StateReason)) {
      throw validationFailed({ resource: 'Issue', code: 'invalid', field: 'state_reason', value: reason });
    }
    changes.stateReason = reason as StateReason | null;
  }

  if (triage) {
    checkMilestone(body);
    const labels = optionalStringArray(body, 'labels');
    if (labels !== undefined) changes.labels = labels;
    const assignees = readAssignees(body);
    if (assignees !== undefined) changes.assignees = checkAssignees(ctx, repo, assignees, issue);
  }
  const before = { state: issue.state, assignees: [...issue.assignees] };
  ctx.store.updateIssue(repo, issue, changes);
  notifyIssueUpdated(ctx.store, repo, before, issue, user.login);
  return ok(ctx.payloads.issue(repo, issue, { detail: true }), issue.updated_at);
}

export const issueRoutes: Route[] = [
  route('POST', '/repos/{owner}/{repo}/issues', createIssue),
  route('GET', '/repos/{owner}/{repo}/issues', listIssues),
  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}', getIssue),
  route('PATCH', '/repos/{owner}/{repo}/issues/{issue_number}', updateIssue),
];
