// The server's route table: each route is a method, a path and a handler from the raw body and headers to a reply.
// Handlers never see the socket, so any module can add routes: the alert sources (alert-routes.ts) and, next to
// them, GitHub App webhooks (`POST /github/webhooks`, see serve.ts).
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  /** What the request log line should carry beyond method, path and status (never a secret). */
  readonly log?: Readonly<Record<string, unknown>>;
  /** Extra response headers (e.g. `www-authenticate` on a 401). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Answers on the response itself instead of `status` and `body`: for protocols with their own framing (MCP's
   * Streamable HTTP transport). The request's body has been read already.
   */
  readonly respond?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

/** A handler: raw body (for signatures) and lower-cased headers in, a JSON reply out. */
export type Handler = (rawBody: Buffer, headers: IncomingHttpHeaders) => Promise<Reply>;

export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly handle: Handler;
}

export type RouteMatch = { readonly route: Route } | { readonly status: 404 | 405; readonly allow?: string };

/** The route of a request, or why there is none (404 unknown path, 405 known path with another method). */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const onPath = routes.filter((r) => r.path === path);
  const route = onPath.find((r) => r.method === method || (method === 'HEAD' && r.method === 'GET'));
  if (route) return { route };
  if (onPath.length === 0) return { status: 404 };
  return { status: 405, allow: onPath.map((r) => r.method).join(', ') };
}

export function json(status: number, body: unknown, log?: Record<string, unknown>): Reply {
  return { status, body, ...(log ? { log } : {}) };
}
