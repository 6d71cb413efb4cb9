// Who may act on a repository: GitHub's permission for it (write, maintain or admin), never `author_association`
// (MEMBER includes read-only organization members) nor text anyone wrote. Asked once per person per repository for
// the life of one Authority (a run of the Action, a CLI command, a request to `firebreak serve`).
import { repoSlug, type RepoRef } from './domain/incident';

/** The one question Authority asks GitHub: may this login push to this repository? */
export type PermissionLookup = (repo: RepoRef, login: string) => Promise<boolean>;

export class Authority {
  private readonly answers = new Map<string, Promise<boolean>>();
  private readonly selves = new Set<string>();

  constructor(private readonly lookup: PermissionLookup) {}

  /**
   * Whether `login` has write access (write, maintain or admin) to `repo`. Apps and bots acting through an
   * installation are Firebreak or were installed by an admin, so `[bot]` logins are trusted. A lookup that fails
   * answers false (untrusted for state) and is asked again next time; it never throws, so reads keep working.
   */
  async mayWrite(repo: RepoRef, login: string): Promise<boolean> {
    if (this.selves.has(login.toLowerCase())) return true;
    return this.askedMayWrite(repo, login);
  }

  /**
   * Like mayWrite, but asks GitHub about the token's own login too: what a write checks afterwards, to tell a token
   * without push access that its comment is no entry.
   */
  async askedMayWrite(repo: RepoRef, login: string): Promise<boolean> {
    if (!login || login === 'ghost') return false;
    if (login.toLowerCase().endsWith('[bot]')) return true;
    const key = `${repoSlug(repo)}:${login}`.toLowerCase();
    let answer = this.answers.get(key);
    if (!answer) {
      answer = this.lookup(repo, login).catch(() => {
        this.answers.delete(key);
        return false;
      });
      this.answers.set(key, answer);
    }
    return answer;
  }

  /**
   * The token's own login (Firebreak itself, known once the edge asked who the token is): trusted without a request,
   * as bots are. Never a login someone merely named (the workflow's actor, an `--actor`).
   */
  trustAsSelf(login: string): void {
    if (login) this.selves.add(login.toLowerCase());
  }

  /**
   * Like writersAmong, but a lookup that fails throws: for a decision whose safe side is not "untrusted" (a freeze
   * that would otherwise read a declared incident as a request and let merges through).
   */
  async writersAmongOrThrow(repo: RepoRef, logins: Iterable<string>): Promise<Set<string>> {
    const unique = [...new Set([...logins].map((l) => l.toLowerCase()))];
    const answers = await Promise.all(
      unique.map(async (l) => {
        if (!(await this.mayWrite(repo, l)) && !l.endsWith('[bot]') && l !== 'ghost' && l !== '')
          return [l, await this.lookup(repo, l)] as const;
        return [l, true] as const;
      }),
    );
    return new Set(answers.filter(([, ok]) => ok).map(([l]) => l));
  }

  /** The logins (lower case) among these that may write to `repo`, asked in parallel, each person once. */
  async writersAmong(repo: RepoRef, logins: Iterable<string>): Promise<Set<string>> {
    const unique = [...new Set([...logins].map((l) => l.toLowerCase()))];
    const answers = await Promise.all(unique.map(async (l) => [l, await this.mayWrite(repo, l)] as const));
    return new Set(answers.filter(([, ok]) => ok).map(([l]) => l));
  }
}

/** An Authority over gateways' `canPush` (the collaborator permission API). */
export function authorityOver(canPush: (repo: RepoRef, login: string) => Promise<boolean>): Authority {
  return new Authority(canPush);
}
