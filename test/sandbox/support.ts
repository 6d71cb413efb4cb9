// Shared setup for the sandbox suite: a fresh sandbox per test, a small fetch wrapper, and the check that
// ordinary traffic produced no OpenAPI violations.
import type { Sandbox, SandboxOptions } from '../../sandbox/server';
import { ADMIN_TOKEN, useSandbox as useFixtureSandbox } from '../support/fixtures';

export { ACTIONS_TOKEN, ADMIN_TOKEN, REPO_SLUG as REPO, WRITER_TOKEN } from '../support/fixtures';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One request; `token: null` sends none; JSON bodies are parsed, empty bodies come back as undefined. */
export async function call<T = unknown>(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse<T>> {
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  const headers: Record<string, string> = { accept: 'application/vnd.github+json', ...options.headers };
  if (token !== null) headers.authorization = `token ${token}`;
  const init: RequestInit = { method, headers };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  const response = await fetch(`${sandbox.url}${path}`, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
  };
}

/** A fresh sandbox for every test of the calling suite, closed afterwards, with the no-violations check. */
export function useSandbox(options: SandboxOptions = {}): () => Sandbox {
  return useFixtureSandbox({ ...options, per: 'test' });
}

export type Json = Record<string, unknown>;
