// The headers every sandbox API answer carries, as api.github.com sends them: request id, media type, rate limit and
// CORS, plus the CORS preflight answer.
import { randomBytes } from 'node:crypto';
import type { RateLimitState } from './rate-limit';

/** A GitHub-style x-github-request-id such as "C0DE:1A2B3:..." (random, uppercase hex groups). */
export function requestId(): string {
  const hex = randomBytes(16).toString('hex').toUpperCase();
  return `${hex.slice(0, 4)}:${hex.slice(4, 9)}:${hex.slice(9, 16)}:${hex.slice(16, 23)}:${hex.slice(23, 31)}`;
}

/** `now` is GitHub's clock, not the client's: with a `now` option the sandbox's clock may differ from the machine's. */
export function commonHeaders(state: RateLimitState, id: string, hasBody: boolean, now: Date): Record<string, string> {
  return {
    ...(hasBody ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    date: now.toUTCString(),
    'x-github-request-id': id,
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    'x-ratelimit-limit': String(state.limit),
    'x-ratelimit-remaining': String(state.remaining),
    'x-ratelimit-used': String(state.used),
    'x-ratelimit-reset': String(state.reset),
    'x-ratelimit-resource': 'core',
    vary: 'Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding',
    'access-control-allow-origin': '*',
    'access-control-expose-headers':
      'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, ' +
      'X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, ' +
      'X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset',
  };
}

export function corsPreflightHeaders(): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-headers':
      'Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since, X-GitHub-OTP, ' +
      'X-Requested-With',
    'access-control-allow-methods': 'GET, POST, PATCH, PUT, DELETE',
    'access-control-max-age': '86400',
  };
}
