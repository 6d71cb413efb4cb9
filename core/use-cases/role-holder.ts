// Who a role goes to: `@me` is whoever acts (the token's login), and anyone else must be a user GitHub knows, asked
// before anything is written, so a typo never becomes a role holder.
import { InputError } from '../domain/errors';
import type { IssueGateway } from '../github/issue-gateway';

/** Logins GitHub confirmed, per gateway (one connection's life: a CLI command, an editor session): asked once. */
const confirmed = new WeakMap<IssueGateway, Map<string, string>>();

/** `@me` (as GitHub's own tools spell it) names the actor; any other text is a login as given. */
export function personNamed(text: string, actor: string): string {
  return text.trim().toLowerCase() === '@me' ? actor : text;
}

/**
 * The login as GitHub spells it. The actor and people GitHub already showed on the incident (`known`) cost nothing;
 * anyone else one lookup, before anything is written.
 */
export async function gitHubUser(
  gateway: IssueGateway,
  login: string,
  actor: string,
  known: readonly string[] = [],
): Promise<string> {
  const key = login.toLowerCase();
  const vouched = [actor, ...known].find((l) => l.toLowerCase() === key);
  if (vouched) return vouched;
  const cache = confirmed.get(gateway) ?? new Map<string, string>();
  confirmed.set(gateway, cache);
  const cached = cache.get(key);
  if (cached) return cached;
  const found = await gateway.findUser(login);
  if (found === undefined)
    throw new InputError(
      `GitHub has no user @${login}; nothing was recorded.`,
      'Check the login (use @me for yourself) and try again.',
    );
  cache.set(key, found);
  return found;
}
