// GitHub's errors as typed errors that say what to fix: one mapping for every module that talks HTTP to GitHub.
import { GitHubError } from '../domain/errors';
import { repoSlug, type RepoRef } from '../domain/incident';
import { OutOfTimeError, UnreachableError } from './github-client';

/** One place that turns octokit's errors into messages that say what to fix, without request headers. */
export function toGitHubError(error: unknown, what: string, repo: RepoRef): GitHubError {
  if (error instanceof GitHubError) return error;
  const e = error as {
    status?: number;
    message?: string;
    response?: { headers?: Record<string, string>; data?: unknown };
  };
  const status = e.status;
  const slug = repoSlug(repo);
  const detail = githubMessage(e.response?.data) ?? e.message ?? 'unknown error';
  const headers = e.response?.headers ?? {};
  const options = { cause: error };
  if (error instanceof OutOfTimeError) {
    return new GitHubError(
      'unavailable',
      `Could not ${what}: ${error.message}.`,
      undefined,
      'Check https://www.githubstatus.com and retry; a longer budget (timeout-seconds) waits longer for a slow GitHub.',
      options,
    );
  }
  if (error instanceof UnreachableError) {
    return new GitHubError(
      'unavailable',
      `Could not ${what}: ${error.message}.`,
      undefined,
      'Nothing was sent. Check --api-url or GITHUB_API_URL (https://api.github.com, or https://HOST/api/v3), then retry.',
      options,
    );
  }
  if (status === 500 && !e.response) {
    // octokit reports a request that got no answer at all (reset, timeout) as a 500 without a response.
    return new GitHubError(
      'unavailable',
      `Could not ${what}: GitHub is not answering (${e.message ?? 'the connection failed'}).`,
      undefined,
      'Check your connection and https://www.githubstatus.com, then retry.',
      options,
    );
  }
  if (status === 401) {
    return new GitHubError(
      'auth',
      `Could not ${what}: GitHub did not accept the token (401 ${detail}).`,
      status,
      'Sign in again, or set GITHUB_TOKEN to a valid token.',
      options,
    );
  }
  if ((status === 403 || status === 429) && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(detail))) {
    const reset = Number(headers['x-ratelimit-reset']);
    const retryAfter =
      Number(headers['retry-after']) || (reset ? Math.max(0, Math.ceil(reset - Date.now() / 1000)) : undefined);
    return new GitHubError(
      'rate-limited',
      `Could not ${what}: the GitHub API rate limit is exhausted${retryAfter !== undefined ? ` (resets in ${retryAfter} s)` : ''}.`,
      status,
      'Wait for the reset, or use a token with a higher limit.',
      retryAfter !== undefined ? { ...options, retryAfterSeconds: retryAfter } : options,
    );
  }
  if (status === 403) {
    return new GitHubError(
      'permission',
      `Could not ${what}: the token may not do this in ${slug} (403 ${detail}).`,
      status,
      `Use a token with write access to issues in ${slug}.`,
      options,
    );
  }
  if (status === 404 || status === 410) {
    return new GitHubError(
      'not-found',
      `Could not ${what}: not found in ${slug}, or the token cannot see it (${status}).`,
      status,
      'Check the repository name and that the token has access to it.',
      options,
    );
  }
  if (status === 422) {
    return new GitHubError(
      'validation',
      `Could not ${what}: GitHub rejected the request (422 ${detail}).`,
      status,
      undefined,
      options,
    );
  }
  return new GitHubError(
    'unavailable',
    `Could not ${what}: GitHub is not answering (${status ? `HTTP ${status}` : detail}).`,
    status,
    'Check your connection and https://www.githubstatus.com, then retry.',
    options,
  );
}

function githubMessage(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const d = data as { message?: unknown; errors?: { message?: string; field?: string; code?: string }[] };
  if (typeof d.message !== 'string') return undefined;
  const errors = (d.errors ?? []).map((x) => x.message ?? [x.field, x.code].filter(Boolean).join(' ')).filter(Boolean);
  return errors.length ? `${d.message}: ${errors.join('; ')}` : d.message;
}

/** GitHub's 422 for a label (or other resource) whose name is taken. */
export function isAlreadyExists(error: unknown): boolean {
  const e = error as { status?: number; response?: { data?: { errors?: { code?: string }[] } } };
  return e.status === 422 && (e.response?.data?.errors ?? []).some((x) => x.code === 'already_exists');
}
