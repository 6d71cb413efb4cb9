// The GitHub-compatible sandbox: an HTTP server on 127.0.0.1 that answers the REST subset Firebreak uses like
// api.github.com does, with injectable latency, faults, outages and rate limits, and OpenAPI checking of all traffic.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ApiError, GENERIC_DOCS, notFound } from './api-error';
import { canRead, readToken, type Actor } from './auth';
import { etagMatches, notModifiedSince, weakEtag } from './conditional';
import { FaultInjector, type FaultFilter, type FaultKind, type FaultPlan } from './faults';
import { sharedCatalog, type OpenApiCatalog } from './openapi';
import { Payloads } from './payloads';
import { RateLimiter, type RateLimitState } from './rate-limit';
import { commonHeaders, corsPreflightHeaders, requestId } from './response-headers';
import { Router } from './router';
import type { Reply, RequestContext } from './routes/context';
import { sandboxRoutes, sandboxTemplates } from './routes/index';
import { StateFile } from './state-file';
import { SandboxStore, type Permission, type RepoRecord, type UserType } from './store';
import { webPage } from './web-pages';
import { SlackSandbox } from './slack/slack-api';

export type { FaultKind, FaultPlan } from './faults';
export { SandboxStore } from './store';

export interface SandboxUser {
  login: string;
  token?: string;
  permission?: Permission;
  type?: UserType;
}

export interface SandboxOptions {
  /** Default 0 (ephemeral). The server binds 127.0.0.1 only. */
  port?: number;
  /** JSON persistence: loaded at start if present, saved (atomically) after every change. */
  stateFile?: string;
  /** Delay before each response; also settable later with setLatency. */
  latencyMs?: number;
  users?: SandboxUser[];
  /** Check every request and response against GitHub's OpenAPI description; default true. */
  validate?: boolean;
  /** Primary limit per token per hour (default 5000); anonymous callers get 60 per IP. */
  rateLimit?: { limit: number };
  /** Clock for created_at/updated_at, the Date header and rate-limit windows; default real time. */
  now?: () => Date;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  token?: string;
  /** Answered 304. */
  conditional: boolean;
  bytesIn: number;
  bytesOut: number;
  fault?: FaultKind;
  /** Wall-clock arrival time (Date.now()), also when a fake `now` clock is configured. */
  at: number;
}

export interface Sandbox {
  readonly url: string;
  readonly webUrl: string;
  readonly requests: RecordedRequest[];
  readonly violations: string[];
  /** The Slack Web API served under /slack/api/ (SLACK_API_URL = url + '/slack/api/'). */
  readonly slack: SlackSandbox;
  store: SandboxStore;
  setLatency(ms: number): void;
  injectFaults(plan: FaultPlan | undefined): void;
  failNext(kind: FaultKind, count?: number, filter?: { method?: string; pathIncludes?: string }): void;
  setDown(down: boolean): void;
  exhaustRateLimit(token: string, resetInSeconds: number): void;
  resetStats(): void;
  close(): Promise<void>;
}

export const DEFAULT_USERS: readonly SandboxUser[] = [
  { login: 'firebreak-dev', token: 'sandbox-token', permission: 'admin' },
  { login: 'octo-lead', token: 'sandbox-token-lead', permission: 'write' },
  { login: 'octo-comms', permission: 'write' },
  { login: 'octo-scribe', permission: 'write' },
  { login: 'github-actions[bot]', token: 'sandbox-actions-token', permission: 'write', type: 'Bot' },
];

const ANONYMOUS_LIMIT = 60;
const MAX_REQUEST_BYTES = 25 * 1024 * 1024;
const RATE_LIMIT_DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';

/** Whose budget a request spends: the token's, or the caller IP's when anonymous. */
interface RateKey {
  key: string;
  limit: number;
}

interface Outcome {
  status: number;
  headers: Record<string, string>;
  /** Serialized JSON; undefined for bodiless answers. */
  text: string | undefined;
  conditional: boolean;
}

/** The whole request body; undefined when the client went away first (a timeout on its side is not our error). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(undefined));
    req.on('close', () => resolve(req.complete ? Buffer.concat(chunks) : undefined));
  });
}

class SandboxServer implements Sandbox {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly slack = new SlackSandbox(() => this.url);
  url = '';
  webUrl = '';
  store: SandboxStore;

  private latencyMs: number;
  private down = false;
  private readonly sockets = new Set<Socket>();
  private readonly faults = new FaultInjector();
  private readonly limiter: RateLimiter;
  private readonly router = new Router(sandboxRoutes);
  private readonly now: () => Date;
  private readonly limit: number;
  private readonly stateFile: StateFile | undefined;
  private readonly catalog: Promise<OpenApiCatalog | undefined> | undefined;
  private payloads: Payloads;

  constructor(
    private readonly server: Server,
    options: SandboxOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.latencyMs = options.latencyMs ?? 0;
    this.limit = options.rateLimit?.limit ?? 5000;
    this.limiter = new RateLimiter(this.now);
    this.store = new SandboxStore(this.now);
    if (options.stateFile !== undefined) {
      this.stateFile = new StateFile(options.stateFile, () => this.store.toJSON());
      const saved = this.stateFile.read();
      if (saved) this.store.loadSnapshot(saved);
    }
    for (const user of options.users ?? DEFAULT_USERS) this.store.addUser(user);
    const stateFile = this.stateFile;
    this.store.onChange = stateFile ? () => stateFile.markDirty() : undefined;
    this.payloads = new Payloads(this.store, { api: '', web: '' });
    if (options.validate ?? true) {
      this.catalog = sharedCatalog(sandboxTemplates).catch((error: unknown) => {
        this.violations.push(`OpenAPI checking is off: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      });
    }
  }

  listening(port: number): void {
    this.url = `http://127.0.0.1:${port}`;
    this.webUrl = this.url;
    this.payloads = new Payloads(this.store, { api: this.url, web: this.webUrl });
  }

  // ---- controls ----------------------------------------------------------------------------------------------

  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  injectFaults(plan: FaultPlan | undefined): void {
    this.faults.setPlan(plan);
  }

  failNext(kind: FaultKind, count = 1, filter: FaultFilter = {}): void {
    this.faults.enqueue(kind, count, filter);
  }

  setDown(down: boolean): void {
    this.down = down;
    if (down) for (const socket of this.sockets) socket.destroy();
  }

  exhaustRateLimit(token: string, resetInSeconds: number): void {
    this.limiter.exhaust(`token:${token}`, this.limit, resetInSeconds);
  }

  resetStats(): void {
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    this.stateFile?.flush();
    this.store.onChange = undefined;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  trackSocket(socket: Socket): void {
    if (this.down) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  // ---- request pipeline --------------------------------------------------------------------------------------

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.down) {
      req.socket.destroy();
      return;
    }
    const at = Date.now();
    const raw = await readBody(req);
    if (raw === undefined) return;
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname.startsWith('/slack/')) return this.slack.handle(req, res, raw, url);
    if (method === 'GET' && (await this.serveWebPage(url.pathname, res))) return;
    const header = req.headers.authorization;
    const token = readToken(Array.isArray(header) ? header[0] : header);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      status: 0,
      conditional: false,
      bytesIn: raw.length,
      bytesOut: 0,
      at,
    };
    if (typeof token === 'string') record.token = token;

    const user = typeof token === 'string' ? this.store.userByToken(token) : undefined;
    const rate: RateKey = user
      ? { key: `token:${token ?? ''}`, limit: this.limit }
      : { key: `ip:${req.socket.remoteAddress ?? 'unknown'}`, limit: ANONYMOUS_LIMIT };
    const fault = this.faults.pick(method, url.pathname);
    if (fault !== undefined) record.fault = fault;

    let outcome: Outcome;
    if (method === 'OPTIONS') {
      outcome = { status: 204, headers: corsPreflightHeaders(), text: undefined, conditional: false };
    } else if (fault !== undefined && fault !== 'applied-502') {
      await this.checkFaultedRequest(method, url, raw);
      outcome = this.faultOutcome(fault, rate);
    } else {
      outcome = await this.process(req, method, url, raw, token, rate);
      if (fault === 'applied-502') outcome = this.faultOutcome('http502', rate);
    }

    if (this.latencyMs > 0) await delay(this.latencyMs);
    if (this.down || fault === 'reset') {
      this.record(record, 0, 0);
      req.socket.destroy();
      return;
    }
    this.stateFile?.flush();
    const bytes = outcome.text === undefined || method === 'HEAD' ? 0 : Buffer.byteLength(outcome.text);
    record.conditional = outcome.conditional;
    this.record(record, outcome.status, bytes);
    res.writeHead(outcome.status, {
      ...outcome.headers,
      ...(outcome.text !== undefined ? { 'content-length': String(Buffer.byteLength(outcome.text)) } : {}),
    });
    res.end(method === 'HEAD' ? undefined : outcome.text);
  }

  /** html_url and avatar_url targets; the web host is not the API, so no checks, limits or faults apply. */
  private async serveWebPage(pathname: string, res: ServerResponse): Promise<boolean> {
    const page = webPage(this.store, pathname);
    if (!page) return false;
    if (this.latencyMs > 0) await delay(this.latencyMs);
    res.writeHead(page.status, {
      'content-type': page.contentType,
      'content-length': String(Buffer.byteLength(page.text)),
    });
    res.end(page.text);
    return true;
  }

  private record(record: RecordedRequest, status: number, bytesOut: number): void {
    record.status = status;
    record.bytesOut = bytesOut;
    this.requests.push(record);
  }

  /** GitHub's repository-id URLs (used in its Link headers) address the same resources as /repos/{owner}/{repo}. */
  private canonicalPath(pathname: string): string | undefined {
    const alias = /^\/repositories\/(\d+)(\/.*)?$/.exec(pathname);
    if (!alias) return pathname;
    const repo = this.store.repoById(Number(alias[1]));
    return repo
      ? `/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}${alias[2] ?? ''}`
      : undefined;
  }

  private async process(
    req: IncomingMessage,
    method: string,
    url: URL,
    raw: Buffer,
    token: string | undefined | null,
    rate: RateKey,
  ): Promise<Outcome> {
    const id = requestId();
    const admitted = this.admit(req, token, rate, url.pathname, id);
    if ('status' in admitted) return admitted;
    const { actor, counted } = admitted;
    const routeMethod = method === 'HEAD' ? 'GET' : method;
    const canonical = this.canonicalPath(url.pathname);
    const checkPath = canonical ?? url.pathname;
    const body = this.parseBody(raw);
    const catalog = this.catalog ? await this.catalog : undefined;
    if (catalog) this.checkRequest(catalog, routeMethod, url, canonical, body.value);
    const state = (): RateLimitState => this.limiter.state(rate.key, rate.limit);

    let reply: Reply;
    try {
      if (body.invalid) throw new ApiError(400, 'Problems parsing JSON');
      reply = this.route(routeMethod, canonical, url, body.value, actor, state());
    } catch (error) {
      if (!(error instanceof ApiError)) {
        this.violations.push(
          `${method} ${url.pathname}: sandbox error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        return this.errorOutcome(new ApiError(500, 'Server Error'), state(), id, GENERIC_DOCS);
      }
      reply = {
        status: error.status,
        body: error.toBody(catalog?.docsUrl(routeMethod, checkPath) ?? GENERIC_DOCS),
        headers: error.headers,
      };
    }
    if (catalog)
      this.violations.push(
        ...catalog.checkResponse({ method: routeMethod, path: checkPath }, { status: reply.status, body: reply.body }),
      );

    const text = reply.body === undefined ? undefined : JSON.stringify(reply.body);
    const headers: Record<string, string> = { ...reply.headers };
    let conditional = false;
    if (routeMethod === 'GET' && reply.status === 200 && text !== undefined) {
      conditional = this.cacheValidators(req, reply, text, headers, actor.user !== undefined);
      // 304s are free on GitHub: give the request back.
      if (conditional && counted) this.limiter.refund(rate.key, rate.limit);
    }
    return {
      status: conditional ? 304 : reply.status,
      headers: { ...commonHeaders(state(), id, text !== undefined && !conditional, this.now()), ...headers },
      text: conditional ? undefined : text,
      conditional,
    };
  }

  /** Authentication and the primary rate limit: an answer when the request stops here, else who is calling. */
  private admit(
    req: IncomingMessage,
    token: string | undefined | null,
    rate: RateKey,
    pathname: string,
    id: string,
  ): Outcome | { actor: Actor; counted: boolean } {
    const user = typeof token === 'string' ? this.store.userByToken(token) : undefined;
    if (token === null || (typeof token === 'string' && user === undefined)) {
      return this.errorOutcome(
        new ApiError(401, 'Bad credentials'),
        this.limiter.state(rate.key, rate.limit),
        id,
        GENERIC_DOCS,
      );
    }
    const counted = pathname !== '/rate_limit';
    if (counted && this.limiter.exhausted(rate.key, rate.limit)) {
      const who = user ? `user ID ${user.id}` : (req.socket.remoteAddress ?? 'your IP');
      const error = new ApiError(
        403,
        `API rate limit exceeded for ${who}.`,
        undefined,
        `${RATE_LIMIT_DOCS}#about-the-primary-rate-limit`,
      );
      return this.errorOutcome(error, this.limiter.state(rate.key, rate.limit), id, GENERIC_DOCS);
    }
    if (counted) this.limiter.consume(rate.key, rate.limit);
    return { actor: { user, token: token ?? undefined }, counted };
  }

  /** Records request violations, and calls to GitHub routes the sandbox lacks (which it answers 404). */
  private checkRequest(
    catalog: OpenApiCatalog,
    method: string,
    url: URL,
    canonical: string | undefined,
    body: unknown,
  ): void {
    const path = canonical ?? url.pathname;
    this.violations.push(...catalog.checkRequest({ method, path, query: url.searchParams, body }));
    if (canonical === undefined || this.router.match(method, canonical)) return;
    const onGitHub = catalog.find(method, canonical);
    if (onGitHub !== undefined && onGitHub !== 'wrong-method') {
      this.violations.push(
        `${method} ${url.pathname}: GitHub has this route (${onGitHub.template}) but the sandbox does not implement it; answered 404`,
      );
    }
  }

  /** Adds ETag, Last-Modified and cache-control; true when the request's validators say "not modified". */
  private cacheValidators(
    req: IncomingMessage,
    reply: Reply,
    text: string,
    headers: Record<string, string>,
    authenticated: boolean,
  ): boolean {
    const etag = weakEtag(text);
    headers.etag = etag;
    headers['cache-control'] = `${authenticated ? 'private' : 'public'}, max-age=60, s-maxage=60`;
    if (reply.lastModified) headers['last-modified'] = new Date(reply.lastModified).toUTCString();
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, etag);
    const ifModifiedSince = req.headers['if-modified-since'];
    return (
      ifModifiedSince !== undefined &&
      reply.lastModified !== undefined &&
      notModifiedSince(ifModifiedSince, new Date(reply.lastModified))
    );
  }

  private route(
    method: string,
    canonical: string | undefined,
    url: URL,
    body: unknown,
    actor: Actor,
    rateLimit: RateLimitState,
  ): Reply {
    const match = canonical === undefined ? undefined : this.router.match(method, canonical);
    if (!match) throw notFound();
    let repo: RepoRecord | undefined;
    const { owner, repo: name } = match.params;
    const linkPath = (() => {
      if (owner === undefined || name === undefined) return url.pathname;
      const found = this.store.repo(`${owner}/${name}`);
      const prefix = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
      return found && canonical?.startsWith(prefix)
        ? `/repositories/${found.id}${canonical.slice(prefix.length)}`
        : url.pathname;
    })();
    const ctx: RequestContext = {
      method,
      params: match.params,
      query: url.searchParams,
      body,
      actor,
      store: this.store,
      payloads: this.payloads,
      urls: { api: this.url, web: this.webUrl },
      now: this.now,
      linkBase: `${this.url}${linkPath}`,
      rateLimit,
      repo: () => {
        if (owner === undefined || name === undefined) throw notFound();
        repo ??= this.store.ensureRepo(`${owner}/${name}`);
        if (!canRead(actor.user, repo)) throw notFound();
        return repo;
      },
    };
    return match.route.handle(ctx);
  }

  private parseBody(raw: Buffer): { value: unknown; invalid: boolean } {
    if (raw.length === 0) return { value: undefined, invalid: false };
    try {
      return { value: JSON.parse(raw.toString('utf8')) as unknown, invalid: false };
    } catch {
      return { value: undefined, invalid: true };
    }
  }

  /** Faulted requests are still checked: a malformed request is the client's bug whatever the network does. */
  private async checkFaultedRequest(method: string, url: URL, raw: Buffer): Promise<void> {
    const catalog = this.catalog ? await this.catalog : undefined;
    if (catalog)
      this.checkRequest(
        catalog,
        method === 'HEAD' ? 'GET' : method,
        url,
        this.canonicalPath(url.pathname),
        this.parseBody(raw).value,
      );
  }

  private faultOutcome(fault: FaultKind, rate: RateKey): Outcome {
    const id = requestId();
    const state = this.limiter.state(rate.key, rate.limit);
    switch (fault) {
      case 'http500':
        return this.errorOutcome(new ApiError(500, 'Server Error'), state, id, GENERIC_DOCS);
      case 'http502':
      case 'applied-502':
        return this.errorOutcome(new ApiError(502, 'Server Error'), state, id, GENERIC_DOCS);
      case 'http503':
        return this.errorOutcome(new ApiError(503, 'Service Unavailable'), state, id, GENERIC_DOCS);
      case 'secondary-rate-limit': {
        const message =
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
          `If you reach out to GitHub Support for help, please include the request ID ${id}.`;
        const retryAfter = String(this.faults.retryAfterSeconds());
        const error = new ApiError(403, message, undefined, `${RATE_LIMIT_DOCS}#about-secondary-rate-limits`, {
          'retry-after': retryAfter,
        });
        return this.errorOutcome(error, state, id, GENERIC_DOCS);
      }
      case 'reset':
        return { status: 0, headers: {}, text: undefined, conditional: false };
      case 'forbidden':
        return this.errorOutcome(new ApiError(403, 'Resource not accessible by integration'), state, id, GENERIC_DOCS);
    }
  }

  private errorOutcome(error: ApiError, state: RateLimitState, id: string, docs: string): Outcome {
    const text = JSON.stringify(error.toBody(docs));
    return {
      status: error.status,
      headers: { ...commonHeaders(state, id, true, this.now()), ...error.headers },
      text,
      conditional: false,
    };
  }
}

/** Starts a sandbox on 127.0.0.1 (an ephemeral port unless `port` is given). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const server = createServer();
  const sandbox = new SandboxServer(server, options);
  server.on('connection', (socket: Socket) => sandbox.trackSocket(socket));
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    sandbox.handle(req, res).catch((error: unknown) => {
      sandbox.violations.push(
        `${req.method ?? '?'} ${req.url ?? '?'}: sandbox error: ${error instanceof Error ? error.message : String(error)}`,
      );
      res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  sandbox.listening((server.address() as AddressInfo).port);
  return sandbox;
}
