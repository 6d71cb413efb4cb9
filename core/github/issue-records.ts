// GitHub's issue and comment payloads mapped to the records the domain folds (labels with their colors, reactions
// as counts): the one place that knows the REST shapes, for the gateway and for payloads an Action event carries.
import type { CommentRecord, IssueRecord } from '../domain/records';

export type RawIssue = {
  id: number;
  number: number;
  title: string;
  body?: string | null;
  state: string;
  state_reason?: string | null;
  labels: (string | { name?: string; color?: string | null })[];
  assignees?: { login: string }[] | null;
  user: { login: string; type?: string } | null;
  author_association: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  html_url: string;
  comments: number;
  pull_request?: unknown;
};

export type RawComment = {
  id: number;
  body?: string;
  user: { login: string; type: string } | null;
  author_association: string;
  created_at: string;
  updated_at: string;
  html_url: string;
  reactions?: Record<string, unknown>;
};

/** The rollup's counts above zero (`url` and `total_count` left out). */
function reactionCounts(rollup: Record<string, unknown> | undefined): Record<string, number> | undefined {
  if (!rollup) return undefined;
  const counts = Object.entries(rollup).filter(
    ([name, value]) => name !== 'url' && name !== 'total_count' && typeof value === 'number' && value > 0,
  ) as [string, number][];
  return counts.length > 0 ? Object.fromEntries(counts) : undefined;
}

export function toIssueRecord(raw: RawIssue): IssueRecord {
  return {
    id: raw.id,
    number: raw.number,
    title: raw.title,
    body: raw.body ?? '',
    state: raw.state === 'closed' ? 'closed' : 'open',
    ...(raw.state_reason ? { stateReason: raw.state_reason } : {}),
    labels: raw.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
    ...(raw.labels.some((l) => typeof l !== 'string' && l.color)
      ? {
          labelColors: Object.fromEntries(
            raw.labels.flatMap((l) => (typeof l !== 'string' && l.name && l.color ? [[l.name, l.color]] : [])),
          ),
        }
      : {}),
    assignees: (raw.assignees ?? []).map((a) => a.login),
    author: raw.user?.login ?? 'ghost',
    ...(raw.user?.type ? { authorType: raw.user.type } : {}),
    authorAssociation: raw.author_association,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
    ...(raw.closed_at ? { closedAt: raw.closed_at } : {}),
    url: raw.html_url,
    comments: raw.comments,
  };
}

export function toCommentRecord(raw: RawComment): CommentRecord {
  const reactions = reactionCounts(raw.reactions);
  return {
    id: raw.id,
    body: raw.body ?? '',
    author: raw.user?.login ?? 'ghost',
    authorType: raw.user?.type ?? 'User',
    authorAssociation: raw.author_association,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
    url: raw.html_url,
    ...(reactions ? { reactions } : {}),
  };
}
