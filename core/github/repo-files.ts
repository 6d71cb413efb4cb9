// Reads one file of a repository at a ref through the contents API: for configuration that must come from a branch
// people reviewed (the default branch), never from the checkout of the change being gated.
import { GitHubError } from '../domain/errors';
import { repoSlug, type RepoRef } from '../domain/incident';
import type { GitHubClient } from './github-client';
import { toGitHubError } from './issue-gateway';

/** The file's text, or undefined when it does not exist at that ref (404). Without a ref: the default branch. */
export async function readRepoFile(
  client: GitHubClient,
  repo: RepoRef,
  path: string,
  ref?: string,
): Promise<string | undefined> {
  const where = `${repoSlug(repo)}:${path}${ref ? `@${ref}` : ''}`;
  try {
    const { data } = await client.octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: repo.owner,
      repo: repo.name,
      path,
      ...(ref ? { ref } : {}),
    });
    const file = data as { type?: string; encoding?: string; content?: string };
    if (Array.isArray(data) || file.type !== 'file' || typeof file.content !== 'string') {
      throw new GitHubError('not-found', `Could not read ${where}: it is not a file.`, undefined);
    }
    return Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    const typed = toGitHubError(error, `read ${where}`, repo);
    if (typed.code !== 'permission') throw typed;
    throw new GitHubError(
      'permission',
      typed.message,
      typed.status,
      `Give the workflow's token read access to the repository contents (permissions: contents: read).`,
      { cause: error },
    );
  }
}
