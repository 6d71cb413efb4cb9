// GitHub users by login (GET /users/{username}): a login GitHub does not know is refused before it is recorded.
import type { Octokit } from '@octokit/core';

/** The login as GitHub spells it, or undefined when GitHub answers 404 (no such user); other failures throw. */
export async function findUser(octokit: Octokit, login: string): Promise<string | undefined> {
  try {
    const { data } = await octokit.request('GET /users/{username}', { username: login });
    return data.login;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}
