// Builds the octokit client every gateway shares: throttling (primary and secondary rate limits, GitHub's advice
// on spacing writes), retries of safe requests, per-request timeouts, and ETag caching so polling costs no quota.
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { requestLog } from '@octokit/plugin-request-log';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type Bottleneck from 'bottleneck/light.js';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {} };

export const GITHUB_API_URL = 'https://api.github.com';

export interface ClientOptions {
  /** A token; never logged. Absent means anonymous (reads of public repositories only). */
  readonly token?: string;
  /**
   * Instead of a token: an octokit auth strategy and its options (a GitHub App's installation tokens, which the
   * strategy renews before they expire). The server passes @octokit/auth-app here; other faces never load it.
   */
  readonly authStrategy?: { readonly strategy: unknown; readonly options: Readonly<Record<string, unknown>> };
  /** API base: `https://api.github.com`, `https://HOST/api/v3` for GitHub Enterprise Server, or a sandbox. */
  readonly baseUrl?: string;
  readonly userAgent?: string;
  readonly log?: Logger;
  /** Base of the backoff between retries of a failed request (GitHub's advice and octokit's default: 1 s). */
  readonly retryBaseMs?: number;
  /** How often a failed request is retried. */
  readonly retries?: number;
  /** Minimum spacing between content-creating requests of this client (GitHub advises 1 s); 0 for a sandbox. */
  readonly writeSpacingMs?: number;
  /**
   * Writes that may go out together before the spacing applies (default 8): the comment, body and label add and
   * remove of one change, twice. Bulk work (follow-ups, reminders, label set-up) runs past the burst at one write
   * per spacing, and comments and new issues (which notify people) are always spaced.
   */
  readonly writeBurst?: number;
  /** Wait for a primary rate limit reset when it is at most this far away; fail otherwise. */
  readonly maxRateLimitWaitSeconds?: number;
  /** Abort a request that takes longer than this. */
  readonly timeoutMs?: number;
  /**
   * One time budget for everything this client does (a gate's decision): attempts, retries, hung connections and
   * rate-limit waits. Past it, every request fails with an OutOfTimeError at once, and no wait that would end past
   * it is started. Undefined: no budget (each attempt still has `timeoutMs`).
   */
  readonly budget?: TimeBudget;
  /** The HTTP client (default: the global fetch); the Action passes node-fetch.ts, which starts faster. */
  readonly fetch?: typeof fetch;
}

/** A deadline shared by every request of a client: `timeBudget(20_000)` starts the clock. */
export interface TimeBudget {
  readonly seconds: number;
  readonly signal: AbortSignal;
  remainingMs(): number;
}

export function timeBudget(ms: number): TimeBudget {
  const ends = Date.now() + ms;
  const controller = new AbortController();
  // Unref'd: the budget alone never keeps a process running.
  setTimeout(() => controller.abort(), ms).unref();
  return {
    seconds: Math.round(ms / 100) / 10,
    signal: controller.signal,
    remainingMs: () => Math.max(0, ends - Date.now()),
  };
}

/** The client's time budget ran out: no answer in time. Not retried; nothing is known about a write in flight. */
export class OutOfTimeError extends Error {
  constructor(readonly seconds: number) {
    super(`GitHub did not answer within the time budget of ${seconds} s`);
    this.name = 'OutOfTimeError';
  }
}

/** A request that never reached the server (refused, unknown host, bad URL or certificate): nothing was written. */
export class UnreachableError extends Error {
  constructor(reason: string, options: { cause?: unknown }) {
    super(reason, options);
    this.name = 'UnreachableError';
  }
}

/** Why a request could not reach the server when trying again cannot help; undefined for causes worth a retry. */
export function unreachableReason(error: unknown, baseUrl: string): string | undefined {
  const causes: { code?: unknown; message?: unknown; address?: unknown; port?: unknown; hostname?: unknown }[] = [];
  for (let c: unknown = error; c && typeof c === 'object' && causes.length < 5; c = (c as { cause?: unknown }).cause) {
    causes.push(c as (typeof causes)[number]);
    // Node tries every address of a host: the refusals come as one AggregateError.
    const first = (c as { errors?: unknown[] }).errors?.[0];
    if (first && typeof first === 'object') causes.push(first as (typeof causes)[number]);
  }
  const code = causes.map((c) => c.code).find((v): v is string => typeof v === 'string');
  const messages = causes.map((c) => (typeof c.message === 'string' ? c.message : '')).join(' | ');
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    return 'the API URL is not a valid URL';
  }
  const refused = causes.find((c) => c.code === 'ECONNREFUSED' && typeof c.address === 'string');
  if (code === 'ECONNREFUSED')
    return `GitHub is not answering: connection refused by ${refused ? `${String(refused.address)}:${String(refused.port)}` : url.host} (nothing answers there: check the API URL and any proxy)`;
  if (code === 'ENOTFOUND')
    return `GitHub is not answering: the host ${url.hostname} was not found (check the API URL)`;
  if (code === 'ERR_INVALID_URL') return 'the API URL is not a valid URL';
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME_MISMATCH/.test(code))
    return `the TLS certificate of ${url.host} was not accepted (${code})`;
  if (/bad port/i.test(messages))
    return `GitHub is not answering: fetch refuses to connect to ${url.host} (a blocked port; check the API URL)`;
  if (/unknown scheme|not supported/i.test(messages) || !/^https?:$/.test(url.protocol))
    return `${url.protocol.replace(/:$/, '')}://${url.host} is not a usable API URL (unsupported protocol; use https)`;
  return undefined;
}

/**
 * Turns a failure to reach the server that no retry can fix into an UnreachableError, and an attempt cut by the
 * client's time budget into an OutOfTimeError: neither is retried.
 */
function failFast(octokit: Octokit, octokitOptions: object): void {
  const budget = (octokitOptions as { firebreakBudget?: TimeBudget }).firebreakBudget;
  octokit.hook.wrap('request', async (request, options) => {
    if (budget?.signal.aborted) throw new OutOfTimeError(budget.seconds);
    try {
      return await request(options);
    } catch (error) {
      if (budget?.signal.aborted) throw new OutOfTimeError(budget.seconds);
      const e = error as { status?: number; response?: unknown };
      const reason = e.status === 500 && !e.response ? unreachableReason(error, options.baseUrl) : undefined;
      if (reason) throw new UnreachableError(reason, { cause: error });
      throw error;
    }
  });
}

// @octokit/rest minus its method for every REST endpoint (80 KB in each bundle): the gateway names its routes.
// failFast sits inside retry and throttling, so what it turns into an UnreachableError is never retried.
const ThrottledOctokit = Octokit.plugin(requestLog, paginateRest, failFast, throttling, retry);
export type GitHubOctokit = InstanceType<typeof ThrottledOctokit>;

export interface GitHubClient {
  readonly octokit: GitHubOctokit;
  readonly baseUrl: string;
  readonly log: Logger;
  readonly retryBaseMs: number;
  readonly retries: number;
  /**
   * GitHub's clock, estimated from the `Date` header of the latest response (error answers included); undefined
   * before any answer. Lookups by time ("did my create land?") use it, not the machine's clock, which may be off.
   */
  serverNow(): Date | undefined;
}

/** GitHub's time from a response's `Date` header (second precision), if it has a valid one. */
export function dateHeader(headers: Record<string, unknown> | undefined): Date | undefined {
  const value = headers?.['date'];
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/**
 * The limiter the throttling plugin consults before each write: GitHub asks for about a second between content
 * writes, so writes are spaced `spacingMs` apart, but up to `burst` writes may start at once after a quiet spell
 * (a generic cell rate algorithm). An interactive change's writes do not depend on each other and go together; a
 * bulk run is back at one write per `spacingMs` after its first `burst`. Retries (weight 0) pass, as in Bottleneck.
 */
function spacedWrites(spacingMs: number, burst: number) {
  let theoretical = 0;
  const limiter = {
    async schedule<T>(options: { weight?: number }, fn: () => Promise<T>): Promise<T> {
      if (spacingMs <= 0 || options.weight === 0) return fn();
      const now = Date.now();
      theoretical = Math.max(theoretical, now);
      const start = Math.max(now, theoretical - (burst - 1) * spacingMs);
      theoretical += spacingMs;
      if (start > now) await new Promise((resolve) => setTimeout(resolve, start - now));
      return fn();
    },
  };
  // The plugin only calls key(id).schedule(options, fn); the rest of Bottleneck.Group is not used.
  return { key: () => limiter } as unknown as Bottleneck.Group;
}

/** At most `max` requests in flight, the rest wait in order: the throttling plugin's global and auth limits. */
function concurrencyLimit(max: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  const limiter = {
    async schedule<T, A extends unknown[]>(
      options: { weight?: number },
      fn: (...args: A) => Promise<T>,
      ...args: A
    ): Promise<T> {
      if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
      running++;
      try {
        return await fn(...args);
      } finally {
        running--;
        waiting.shift()?.();
      }
    },
  };
  return { key: () => limiter } as unknown as Bottleneck.Group;
}

interface CachedResponse {
  readonly etag: string;
  readonly response: { status: number; url: string; headers: Record<string, unknown>; data: unknown };
}

const ETAG_CACHE_SIZE = 500;

/*
 * No limiter here is Bottleneck's: its in-memory store yields with setTimeout(0) (1 ms or more) at every step of every
 * job, a dozen milliseconds per request over three limiters. The plugin's `throttle` groups are options, so they are
 * replaced by the two small limiters above (the plugin calls only `key(id).schedule`). The retry plugin and the
 * throttling plugin's retry limiter still make a Bottleneck per request: about 5 ms per request at zero latency
 * (measured against the sandbox), which is what not patching Bottleneck's internals costs.
 */

export function createGitHubClient(options: ClientOptions = {}): GitHubClient {
  const log = options.log ?? silentLogger;
  const baseUrl = (options.baseUrl ?? GITHUB_API_URL).replace(/\/+$/, '');
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const retries = options.retries ?? 3;
  const maxWait = options.maxRateLimitWaitSeconds ?? 15 * 60;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const budget = options.budget;
  // Each client gets its own limiters: octokit's defaults are process-wide, which would make independent clients in
  // one process (the CLI's sandbox drill, tests) wait on each other's writes.
  // The timeout is per attempt: retries and rate-limit waits run inside the plugins, so one signal per call would
  // abort every retry after a timeout, and every wait for a reset longer than the timeout.
  const timedFetch: typeof fetch = async (input, init) => {
    const attemptMs = budget ? Math.min(timeoutMs, budget.remainingMs()) : timeoutMs;
    const signals = [
      AbortSignal.timeout(attemptMs),
      ...(budget ? [budget.signal] : []),
      ...(init?.signal ? [init.signal] : []),
    ];
    // AbortSignal.timeout does not keep Node running, and fetch can hang holding nothing that does (a connection
    // accepted, then dropped): without this timer the CLI or the Action would end mid-request with exit code 0.
    const keepAlive = setTimeout(() => {}, attemptMs + 1000);
    try {
      return await (options.fetch ?? fetch)(input, { ...init, signal: AbortSignal.any(signals) });
    } finally {
      clearTimeout(keepAlive);
    }
  };
  // A wait for a rate limit that would end past the budget is not started: the decision fails now instead.
  const fitsBudget = (retryAfterSeconds: number) => !budget || retryAfterSeconds * 1000 < budget.remainingMs();
  const octokit = new ThrottledOctokit({
    ...(budget ? { firebreakBudget: budget } : {}),
    ...(options.authStrategy
      ? { authStrategy: options.authStrategy.strategy as never, auth: options.authStrategy.options }
      : options.token
        ? { auth: options.token }
        : {}),
    baseUrl,
    request: { fetch: timedFetch },
    userAgent: options.userAgent ?? 'firebreak',
    log: { debug: () => {}, info: () => {}, warn: (m: string) => log.debug(m), error: (m: string) => log.debug(m) },
    retry: { retries, retryAfterBaseValue: retryBaseMs },
    // The limiter groups are accepted at run time but missing from the plugin's option types.
    throttle: {
      global: concurrencyLimit(10),
      write: spacedWrites(options.writeSpacingMs ?? 1000, Math.max(1, options.writeBurst ?? 8)),
      search: spacedWrites(2000, 1),
      // octokit spaces requests that notify people (issues, comments) 3 s apart; GitHub's documented advice for
      // content creation is 1 s, and a responder logging entries should not wait longer than that. No burst: one
      // change notifies once, and a run of reminders or follow-ups is spaced from its first to its last.
      notifications: spacedWrites(options.writeSpacingMs ?? 1000, 1),
      auth: concurrencyLimit(1),
      // retry-after and x-ratelimit-reset are in seconds: honour them exactly, whatever our own backoff base.
      retryAfterBaseValue: 1000,
      fallbackSecondaryRateRetryAfter: 60,
      onRateLimit: (retryAfter: number, request: { method: string; url: string }, _o: unknown, retryCount: number) => {
        if (retryCount >= 2 || retryAfter > maxWait || !fitsBudget(retryAfter)) {
          log.warn(
            `GitHub API rate limit exhausted for ${request.method} ${request.url}; it resets in ${retryAfter} s, longer than Firebreak waits.`,
          );
          return false;
        }
        log.warn(`GitHub API rate limit exhausted; waiting ${retryAfter} s for the reset instead of retrying now.`);
        return true;
      },
      onSecondaryRateLimit: (
        retryAfter: number,
        request: { method: string; url: string },
        _o: unknown,
        retryCount: number,
      ) => {
        if (retryCount >= 5) return false;
        if (!fitsBudget(retryAfter)) {
          log.warn(
            `GitHub secondary rate limit on ${request.method} ${request.url}; it asks for ${retryAfter} s, longer than the time budget leaves.`,
          );
          return false;
        }
        log.warn(
          `GitHub secondary rate limit on ${request.method} ${request.url}; waiting ${retryAfter} s as GitHub asks.`,
        );
        return true;
      },
    } as ConstructorParameters<typeof ThrottledOctokit>[0] extends infer O
      ? O extends { throttle?: infer T }
        ? T
        : never
      : never,
  });

  // GitHub's clock as an offset from ours, from every answer's Date header (errors too: a 502 is still an answer).
  let clockOffsetMs: number | undefined;
  const noteDate = (headers: Record<string, unknown> | undefined) => {
    const date = dateHeader(headers);
    if (date) clockOffsetMs = date.getTime() - Date.now();
  };
  octokit.hook.after('request', (response) => noteDate(response.headers as Record<string, unknown>));
  octokit.hook.error('request', (error) => {
    noteDate((error as { response?: { headers?: Record<string, unknown> } }).response?.headers);
    throw error;
  });

  const cache = new Map<string, CachedResponse>();
  octokit.hook.wrap('request', async (request, endpointOptions) => {
    if (endpointOptions.method !== 'GET') return request(endpointOptions);
    const key = octokit.request.endpoint.parse(endpointOptions).url;
    const cached = cache.get(key);
    if (cached) endpointOptions.headers = { ...endpointOptions.headers, 'if-none-match': cached.etag };
    try {
      const response = await request(endpointOptions);
      const etag = response.headers.etag;
      if (typeof etag === 'string') {
        cache.delete(key);
        cache.set(key, { etag, response: response as CachedResponse['response'] });
        if (cache.size > ETAG_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      return response;
    } catch (error) {
      if (cached && (error as { status?: number }).status === 304)
        return cached.response as Awaited<ReturnType<typeof request>>;
      throw error;
    }
  });

  // Outermost: the call ends when the budget does, even while a retry plugin sleeps before its next attempt (that
  // attempt then fails at once in failFast).
  if (budget) {
    octokit.hook.wrap(
      'request',
      (request, endpointOptions) =>
        new Promise<Awaited<ReturnType<typeof request>>>((resolve, reject) => {
          const onAbort = () => reject(new OutOfTimeError(budget.seconds));
          if (budget.signal.aborted) return onAbort();
          budget.signal.addEventListener('abort', onAbort, { once: true });
          Promise.resolve(request(endpointOptions))
            .then(resolve, reject)
            .finally(() => budget.signal.removeEventListener('abort', onAbort));
        }),
    );
  }

  const serverNow = () => (clockOffsetMs === undefined ? undefined : new Date(Date.now() + clockOffsetMs));
  return { octokit, baseUrl, log, retryBaseMs, retries, serverNow };
}

/** The web base for an API base: github.com for api.github.com, `https://HOST` for `https://HOST/api/v3`. */
export function webUrlFor(apiUrl: string): string {
  const url = apiUrl.replace(/\/+$/, '');
  if (url === GITHUB_API_URL) return 'https://github.com';
  return url.replace(/\/api\/v3$/, '');
}
