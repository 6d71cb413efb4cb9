// Who is calling and what they may do: tokens, repository permissions and the author_association GitHub derives.
// One permission per user applies to every repository of the sandbox.
import type { AuthorAssociation, RepoRecord, UserRecord } from './store';

export interface Actor {
  /** Undefined for anonymous requests. */
  user: UserRecord | undefined;
  token: string | undefined;
}

/** The token of an `Authorization: token X` or `Bearer X` header; null when a header is present but malformed. */
export function readToken(header: string | undefined): string | undefined | null {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header.trim());
  return match?.[1] ?? null;
}

/** Push access: may manage labels, be assigned, edit anyone's comments. */
export function canPush(user: UserRecord | undefined): boolean {
  return user?.permission === 'admin' || user?.permission === 'maintain' || user?.permission === 'write';
}

/** Triage access: may label, assign, close and reopen any issue and link sub-issues. */
export function canTriage(user: UserRecord | undefined): boolean {
  return canPush(user) || user?.permission === 'triage';
}

/** Private repositories are invisible (404) to anyone without at least read access. */
export function canRead(user: UserRecord | undefined, repo: RepoRecord): boolean {
  if (!repo.private) return true;
  return user !== undefined && user.permission !== 'none';
}

/**
 * admin → OWNER, write/triage → COLLABORATOR, read/none → NONE; the repository owner's own login is OWNER.
 * Bots get the association of their permission like users do (unverified for GITHUB_TOKEN comments: see README).
 */
export function authorAssociation(user: UserRecord | undefined, repo: RepoRecord): AuthorAssociation {
  if (user === undefined) return 'NONE';
  if (user.login.toLowerCase() === repo.owner.toLowerCase()) return 'OWNER';
  switch (user.permission) {
    case 'admin':
      return 'OWNER';
    case 'maintain':
    case 'write':
    case 'triage':
      return 'COLLABORATOR';
    default:
      return 'NONE';
  }
}

/** The 403 message GitHub gives tokens that lack a permission: App/Actions tokens and personal tokens differ. */
export function notAccessibleMessage(user: UserRecord | undefined): string {
  return user?.type === 'Bot'
    ? 'Resource not accessible by integration'
    : 'Resource not accessible by personal access token';
}
