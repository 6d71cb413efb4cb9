// Who may act, as the domain sees it: a predicate over logins computed before the fold from GitHub's permission
// (core/authority.ts), so the fold stays pure. Never `author_association`: MEMBER includes read-only members.

/** True for a login with write access (write, maintain or admin) to the repository being read. */
export type Trust = (login: string) => boolean;

/** GitHub Apps act as `name[bot]`; they must be installed on the repository to write, so they are trusted. */
export function isBotLogin(login: string): boolean {
  return login.toLowerCase().endsWith('[bot]');
}

/** The trust of a set of writers (logins in any case), plus bots. */
export function trustOf(writers: Iterable<string>): Trust {
  const lower = new Set([...writers].map((w) => w.toLowerCase()));
  return (login) => isBotLogin(login) || lower.has(login.toLowerCase());
}

/** Nobody but bots: what a reader assumes when it could not ask. */
export const TRUST_BOTS_ONLY: Trust = trustOf([]);
