// Timeline from reactions: an ordinary discussion comment on the incident issue that someone with write access
// reacted to (🚀 by default, `timeline-reaction` in the config) is an observation by its author, at its time. The
// reaction counts come with every comment, so reactors are listed only for comments that have the reaction.
import { isTrustedAuthor } from './event-log';
import type { LogEntry, TimelineEntry } from './incident';
import { closeOpenBlocks, inertHtml } from './markdown';
import type { CommentRecord } from './records';
import type { Trust } from './trust';

const OBSERVATION_TEXT_LIMIT = 4_000;

/** A comment people wrote to each other: not an entry, reminder, digest or any other comment Firebreak wrote. */
export function isDiscussionComment(comment: Pick<CommentRecord, 'body'>): boolean {
  return !comment.body.includes('<!-- firebreak:');
}

/** Comments whose reactors are worth listing: discussion comments that carry the reaction at least once. */
export function reactionCandidates(comments: readonly CommentRecord[], reaction: string | undefined): CommentRecord[] {
  if (!reaction) return [];
  return comments.filter((c) => isDiscussionComment(c) && (c.reactions?.[reaction] ?? 0) > 0);
}

/** Logins already known to have push access: authors of trusted comments on the issue (no request needed). */
export function knownPushers(comments: readonly CommentRecord[], trust: Trust): Set<string> {
  return new Set(
    comments.filter((c) => isTrustedAuthor(c, trust) && c.authorType !== 'Bot').map((c) => c.author.toLowerCase()),
  );
}

/** The observation a marked comment becomes: its author, its time, its text; keyed by the comment so it is once. */
export function reactionEntry(comment: CommentRecord, content: string, by: readonly string[]): LogEntry {
  // Anyone may write the comment: a tag in it (an unclosed `<details>`) would hide the retro after it, and an open
  // code fence would swallow it. Cut first, so neither an entity nor a closing fence is cut in half.
  const body = comment.body.trim();
  const cut = body.length > OBSERVATION_TEXT_LIMIT ? `${body.slice(0, OBSERVATION_TEXT_LIMIT - 1)}…` : body;
  const text = closeOpenBlocks(inertHtml(cut)).trim();
  return {
    kind: 'observation',
    key: `comment-${comment.id}`,
    at: comment.createdAt,
    by: comment.author,
    text,
    commentId: comment.id,
    url: comment.url,
    reaction: { content, by },
  };
}

/**
 * The timeline with the marked comments in it, in comment order. `marked` maps a comment id to the people with write
 * access who reacted (comments without any are not marked). Observations change no state: the fold is unaffected.
 */
export function withReactionEntries(
  timeline: readonly TimelineEntry[],
  comments: readonly CommentRecord[],
  marked: ReadonlyMap<number, readonly string[]>,
  content: string,
): TimelineEntry[] {
  if (marked.size === 0) return [...timeline];
  const position = new Map(comments.map((c, i) => [c.id, i]));
  const added = comments
    .filter((c) => (marked.get(c.id)?.length ?? 0) > 0 && isDiscussionComment(c))
    .map((c) => reactionEntry(c, content, marked.get(c.id) ?? []));
  const at = (e: TimelineEntry) => (e.commentId !== undefined ? (position.get(e.commentId) ?? Infinity) : Infinity);
  return [...timeline, ...added].sort((a, b) => at(a) - at(b));
}
