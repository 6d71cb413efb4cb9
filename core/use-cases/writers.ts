// Who may act, asked of GitHub before a fold: the writers among the authors whose text could carry state (marker
// comments, issue bodies), one permission read per distinct person, in parallel, cached by the run's Authority.
import { Authority } from '../authority';
import { hasMarkerKey, isTrustedAuthor } from '../domain/event-log';
import { repoSlug, type RepoRef } from '../domain/incident';
import type { CommentRecord, IssueRecord } from '../domain/records';
import { trustOf, type Trust } from '../domain/trust';
import type { IssueGateway } from '../github/issue-gateway';

/** Comments whose author's permission matters: those carrying a marker (an entry, a key, a declaration). */
function markerAuthors(comments: readonly CommentRecord[]): string[] {
  return comments.filter((c) => c.authorType !== 'Bot' && c.body.includes('<!-- firebreak:')).map((c) => c.author);
}

/** The trust for folding these comments (and the bodies of issues these people opened). */
export async function trustForComments(
  authority: Authority,
  repo: RepoRef,
  comments: readonly CommentRecord[],
  also: readonly string[] = [],
): Promise<Trust> {
  return trustOf(await authority.writersAmong(repo, [...markerAuthors(comments), ...also]));
}

/** The trust for reading one issue: its author (the body marker) and the authors of its marker comments. */
export function trustForIssue(
  authority: Authority,
  repo: RepoRef,
  issue: Pick<IssueRecord, 'author' | 'authorType'>,
  comments: readonly CommentRecord[] = [],
): Promise<Trust> {
  return trustForComments(authority, repo, comments, issue.authorType === 'Bot' ? [] : [issue.author]);
}

/** The trust for reading issues from a list (bodies only): their authors. */
export async function trustForIssues(
  authority: Authority,
  repo: RepoRef,
  issues: readonly Pick<IssueRecord, 'author' | 'authorType'>[],
  options: { readonly failClosed?: boolean } = {},
): Promise<Trust> {
  const authors = issues.filter((i) => i.authorType !== 'Bot').map((i) => i.author);
  if (options.failClosed) return trustOf(await authority.writersAmongOrThrow(repo, authors));
  return trustOf(await authority.writersAmong(repo, authors));
}

/**
 * The run's Authority when the wiring gave one; else one over these gateways (a use case built by hand, as tests
 * do), asking each repository's own gateway.
 */
export function authorityFor(deps: {
  readonly authority?: Authority;
  readonly gateway: IssueGateway;
  readonly privateGateway?: IssueGateway;
}): Authority {
  if (deps.authority) return deps.authority;
  const gateways = [deps.gateway, ...(deps.privateGateway ? [deps.privateGateway] : [])];
  return new Authority((repo, login) => {
    const slug = repoSlug(repo).toLowerCase();
    const gateway = gateways.find((g) => repoSlug(g.repo).toLowerCase() === slug) ?? deps.gateway;
    return gateway.canPush(login);
  });
}

/**
 * The first comment carrying this idempotency key written by someone who may write: anyone can paste a key, and a
 * reader's copy must not stop a reminder. Only the authors of comments with the key are asked about.
 */
export async function keyedByWriter(
  authority: Authority,
  repo: RepoRef,
  comments: readonly CommentRecord[],
  key: string,
): Promise<CommentRecord | undefined> {
  const keyed = comments.filter((c) => hasMarkerKey(c.body, key));
  if (keyed.length === 0) return undefined;
  const trust = await trustForComments(authority, repo, keyed);
  return keyed.find((c) => isTrustedAuthor(c, trust));
}
