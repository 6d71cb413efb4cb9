// Issue comments: per issue and repository-wide lists (ascending ids, `since` on updated_at), create, edit, delete.
// Anyone who can read the repository may comment; only the author or push access may edit or delete.
import { forbidden, invalidRequest, notFound, validationFailed } from '../api-error';
import { canPush, notAccessibleMessage } from '../auth';
import { notifyCommented } from '../notifications';
import type { CommentRecord, RepoRecord } from '../store';
import {
  checkBodyLength,
  created,
  findIssue,
  noContent,
  objectBody,
  ok,
  optionalString,
  pageOf,
  requireUser,
  route,
  sortBy,
} from './context';
import type { Reply, RequestContext, Route } from './context';

function since(ctx: RequestContext, comments: CommentRecord[]): CommentRecord[] {
  const raw = ctx.query.get('since');
  const from = raw === null ? Number.NaN : Date.parse(raw);
  return Number.isNaN(from) ? comments : comments.filter((comment) => Date.parse(comment.updated_at) >= from);
}

function findComment(ctx: RequestContext): { repo: RepoRecord; comment: CommentRecord } {
  const repo = ctx.repo();
  const raw = ctx.params.comment_id ?? '';
  const comment = /^\d+$/.test(raw) ? repo.comments.find((candidate) => candidate.id === Number(raw)) : undefined;
  if (!comment) throw notFound();
  return { repo, comment };
}

function readCommentBody(ctx: RequestContext): string {
  const body = optionalString(objectBody(ctx), 'body', { nullable: true });
  if (body === undefined) throw invalidRequest(`"body" wasn't supplied.`);
  if (body === null) throw invalidRequest(`For 'properties/body', nil is not a string.`);
  if (body.trim() === '') {
    throw validationFailed({
      resource: 'IssueComment',
      code: 'unprocessable',
      field: 'data',
      message: 'Body cannot be blank',
    });
  }
  checkBodyLength(body, 'IssueComment');
  return body;
}

function requireAuthorOrPush(ctx: RequestContext, comment: CommentRecord): void {
  const user = requireUser(ctx);
  if (!canPush(user) && comment.user.login.toLowerCase() !== user.login.toLowerCase())
    throw forbidden(notAccessibleMessage(user));
}

function listIssueComments(ctx: RequestContext): Reply {
  const { repo, issue } = findIssue(ctx);
  const comments = since(
    ctx,
    repo.comments.filter((comment) => comment.issueNumber === issue.number),
  );
  return pageOf(ctx, comments, (comment) => ctx.payloads.comment(repo, comment));
}

/** Ascending by id unless sorted: `direction` is ignored without `sort`, as GitHub documents. */
function listRepoComments(ctx: RequestContext): Reply {
  const repo = ctx.repo();
  let comments = since(ctx, repo.comments);
  const sort = ctx.query.get('sort');
  if (sort !== null) {
    const direction = ctx.query.get('direction') === 'desc' ? 'desc' : 'asc';
    comments = sortBy(comments, (comment) => (sort === 'updated' ? comment.updated_at : comment.id), direction);
  }
  return pageOf(ctx, comments, (comment) => ctx.payloads.comment(repo, comment));
}

function createComment(ctx: RequestContext): Reply {
  const user = requireUser(ctx);
  const { repo, issue } = findIssue(ctx);
  const body = readCommentBody(ctx);
  const comment = ctx.store.createCommentDirect(`${repo.owner}/${repo.name}`, issue.number, {
    body,
    author: user.login,
  });
  notifyCommented(ctx.store, repo, issue.number, body, user.login);
  return created(ctx.payloads.comment(repo, comment), ctx.payloads.commentApiUrl(repo, comment));
}

function updateComment(ctx: RequestContext): Reply {
  const { repo, comment } = findComment(ctx);
  requireAuthorOrPush(ctx, comment);
  ctx.store.updateComment(repo, comment, readCommentBody(ctx));
  return ok(ctx.payloads.comment(repo, comment), comment.updated_at);
}

function deleteComment(ctx: RequestContext): Reply {
  const { repo, comment } = findComment(ctx);
  requireAuthorOrPush(ctx, comment);
  ctx.store.deleteComment(repo, comment);
  return noContent();
}

export const commentRoutes: Route[] = [
  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', listIssueComments),
  route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', createComment),
  route('GET', '/repos/{owner}/{repo}/issues/comments', listRepoComments),
  route('GET', '/repos/{owner}/{repo}/issues/comments/{comment_id}', (ctx) => {
    const { repo, comment } = findComment(ctx);
    return ok(ctx.payloads.comment(repo, comment), comment.updated_at);
  }),
  route('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}', updateComment),
  route('DELETE', '/repos/{owner}/{repo}/issues/comments/{comment_id}', deleteComment),
];
