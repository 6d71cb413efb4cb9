// A create that never writes twice: POST has no idempotency key, so after an ambiguous failure (timeout, reset, 5xx)
// it looks for the client key the caller embedded before it writes again, from GitHub's clock, not this machine's.
import type { RepoRef } from '../domain/incident';
import { dateHeader, OutOfTimeError, UnreachableError, type GitHubClient } from './github-client';
import { toGitHubError } from './github-errors';

export interface CreateAttempt<T> {
  /** What is created, for messages ("create an issue"). */
  readonly what: string;
  readonly create: () => Promise<T>;
  /** The record carrying the caller's key, created since `since` (GitHub's time), if one landed. */
  readonly find: (since: string) => Promise<T | undefined>;
}

export async function idempotentCreate<T>(
  client: GitHubClient,
  repo: RepoRef,
  attempts: number,
  { what, create, find }: CreateAttempt<T>,
): Promise<T> {
  // Listing filters on updated_at, which a create sets, by GitHub's clock: the lookup starts from GitHub's time
  // (the Date of the failed attempt's answer, else of an earlier answer), never from this machine's clock, which
  // may be minutes off. Only when GitHub never answered at all does it look back a whole day from ours.
  let since: string | undefined;
  const startedAt = client.serverNow();
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) {
      await sleep(client.retryBaseMs * attempt * attempt);
      since ??= lookupStart(lastError, startedAt);
      try {
        const existing = await find(since);
        if (existing) {
          client.log.debug(`${what}: an earlier attempt had landed; not writing again`);
          return existing;
        }
      } catch (error) {
        lastError = error;
        continue;
      }
    }
    try {
      return await create();
    } catch (error) {
      lastError = error;
      if (!isAmbiguous(error)) break;
      client.log.debug(`${what}: ${describeStatus(error)}; checking whether it landed before retrying`);
    }
  }
  throw toGitHubError(lastError, what, repo);
}

/** Errors after which a write may or may not have been applied. */
function isAmbiguous(error: unknown): boolean {
  if (error instanceof UnreachableError || error instanceof OutOfTimeError) return false;
  const status = (error as { status?: number }).status;
  return status === undefined || status >= 500;
}

/** GitHub's time shortly before a create that may have landed, minus a margin for its own clock skew. */
function lookupStart(error: unknown, startedAt: Date | undefined): string {
  const answered = dateHeader((error as { response?: { headers?: Record<string, unknown> } }).response?.headers);
  const githubTime = startedAt ?? answered;
  if (githubTime) return new Date(githubTime.getTime() - 10 * 60_000).toISOString();
  return new Date(Date.now() - 24 * 60 * 60_000).toISOString();
}

function describeStatus(error: unknown): string {
  const status = (error as { status?: number }).status;
  return status ? `HTTP ${status}` : 'no answer';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
