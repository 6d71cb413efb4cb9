// Who GitHub would notify about an API write, so tests can count what a run costs people's attention. GitHub's
// rules, simplified: a new issue notifies the repository's watchers (one entry without a recipient), its assignees
// and the users it @mentions; a new comment notifies the issue's participants (one entry) and the users it
// mentions; assigning notifies the assignee; closing and reopening notify the participants. Edits of titles, bodies
// and comments notify nobody (GitHub sends no notification for an edit, not even for a mention it adds), and neither
// do labels: creating, changing or deleting them, or putting them on issues. Nobody is notified of their own write,
// and only existing users are; mentions in code and in HTML comments do not count.
import type { IssueRecord, RepoRecord, SandboxStore } from './store';

export type NotificationReason = 'opened' | 'commented' | 'assigned' | 'mentioned' | 'closed' | 'reopened';

export interface SandboxNotification {
  /** owner/name */
  readonly repo: string;
  readonly issue: number;
  readonly reason: NotificationReason;
  /** The user notified; absent for the watchers/participants of the repository or issue. */
  readonly recipient?: string;
  readonly actor: string;
}

const MENTION = /(?<![\w@/`.-])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?)(?![\w/-])/g;

/** Logins @mentioned in Markdown, outside code blocks, code spans and HTML comments. */
export function mentionedLogins(text: string | null): string[] {
  const prose = (text ?? '')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/^ {0,3}(```|~~~)[\s\S]*?^ {0,3}\1/gm, ' ')
    .replace(/(`+)[\s\S]*?\1/g, ' ');
  return [...new Set([...prose.matchAll(MENTION)].map((m) => (m[1] ?? '').toLowerCase()))];
}

function slug(repo: RepoRecord): string {
  return `${repo.owner}/${repo.name}`;
}

function notifyUsers(
  store: SandboxStore,
  base: { repo: string; issue: number; actor: string },
  reason: NotificationReason,
  logins: readonly string[],
): void {
  const seen = new Set<string>();
  for (const login of logins) {
    const user = store.user(login);
    if (!user || user.login.toLowerCase() === base.actor.toLowerCase() || seen.has(user.login)) continue;
    seen.add(user.login);
    store.notifications.push({ ...base, reason, recipient: user.login });
  }
}

export function notifyIssueOpened(store: SandboxStore, repo: RepoRecord, issue: IssueRecord, actor: string): void {
  const base = { repo: slug(repo), issue: issue.number, actor };
  store.notifications.push({ ...base, reason: 'opened' });
  notifyUsers(store, base, 'assigned', issue.assignees);
  notifyUsers(
    store,
    base,
    'mentioned',
    mentionedLogins(`${issue.body ?? ''}`).filter((l) => !issue.assignees.some((a) => a.toLowerCase() === l)),
  );
}

export function notifyCommented(
  store: SandboxStore,
  repo: RepoRecord,
  issueNumber: number,
  body: string,
  actor: string,
): void {
  const base = { repo: slug(repo), issue: issueNumber, actor };
  store.notifications.push({ ...base, reason: 'commented' });
  notifyUsers(store, base, 'mentioned', mentionedLogins(body));
}

/** After an issue update: new assignees, and a change of state. */
export function notifyIssueUpdated(
  store: SandboxStore,
  repo: RepoRecord,
  before: { readonly state: string; readonly assignees: readonly string[] },
  issue: IssueRecord,
  actor: string,
): void {
  const base = { repo: slug(repo), issue: issue.number, actor };
  const added = issue.assignees.filter((a) => !before.assignees.some((b) => b.toLowerCase() === a.toLowerCase()));
  notifyUsers(store, base, 'assigned', added);
  if (before.state !== issue.state)
    store.notifications.push({ ...base, reason: issue.state === 'closed' ? 'closed' : 'reopened' });
}
