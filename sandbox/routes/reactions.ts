// Reactions to issue comments: list (optionally one content) and create. Anyone who can read the repository may
// react; reacting twice with the same content answers the existing reaction (200) instead of a second one (201).
import { invalidRequest, notFound } from '../api-error';
import { REACTION_CONTENTS, type ReactionContent } from '../store';
import {
  created,
  objectBody,
  ok,
  pageOf,
  requireUser,
  route,
  type Reply,
  type RequestContext,
  type Route,
} from './context';

function findComment(ctx: RequestContext) {
  const repo = ctx.repo();
  const raw = ctx.params.comment_id ?? '';
  const comment = /^\d+$/.test(raw) ? repo.comments.find((candidate) => candidate.id === Number(raw)) : undefined;
  if (!comment) throw notFound();
  return { repo, comment };
}

function isContent(value: unknown): value is ReactionContent {
  return typeof value === 'string' && (REACTION_CONTENTS as readonly string[]).includes(value);
}

function listReactions(ctx: RequestContext): Reply {
  const { comment } = findComment(ctx);
  const content = ctx.query.get('content');
  if (content !== null && !isContent(content)) {
    throw invalidRequest(`For 'content', ${JSON.stringify(content)} is not a valid reaction content.`);
  }
  const all = (comment.reactions ?? []).filter((r) => content === null || r.content === content);
  return pageOf(ctx, all, (reaction) => ctx.payloads.reaction(reaction));
}

function createReaction(ctx: RequestContext): Reply {
  const user = requireUser(ctx);
  const { repo, comment } = findComment(ctx);
  const content = objectBody(ctx).content;
  if (content === undefined) throw invalidRequest(`"content" wasn't supplied.`);
  if (!isContent(content)) {
    throw invalidRequest(`For 'properties/content', ${JSON.stringify(content)} is not a member of the enum.`);
  }
  const { reaction, created: isNew } = ctx.store.addReaction(comment, content, user.login);
  const payload = ctx.payloads.reaction(reaction);
  return isNew
    ? created(payload, `${ctx.payloads.commentApiUrl(repo, comment)}/reactions/${reaction.id}`)
    : ok(payload);
}

/** A user's permission on the repository (people with push access read it for anyone; others for themselves). */
function collaboratorPermission(ctx: RequestContext): Reply {
  requireUser(ctx);
  const repo = ctx.repo();
  const user = ctx.store.user(ctx.params.username ?? '');
  if (!user) throw notFound();
  return ok(ctx.payloads.collaboratorPermission(user, repo));
}

export const reactionRoutes: Route[] = [
  route('GET', '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', listReactions),
  route('POST', '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', createReaction),
  route('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission', collaboratorPermission),
];
