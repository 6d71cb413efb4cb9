// `firebreak serve`: a small, stateless HTTP receiver on node:http. Bodies are read up to 1 MB (413 beyond), open
// connections are capped (503 beyond), each request is one JSON log line (method, path, status, time, outcome; never
// a header, token or signature), and close() stops accepting, lets requests in flight finish, then ends (SIGTERM).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { json, matchRoute, type Reply, type Route } from './routes';

export const MAX_BODY_BYTES = 1024 * 1024;
/** Open connections served at once; each one beyond is answered 503 and closed. */
export const MAX_CONNECTIONS = 256;

export interface ServeOptions {
  readonly routes: readonly Route[];
  readonly port?: number;
  readonly host?: string;
  /** One line per request (JSON). */
  readonly log?: (line: string) => void;
  readonly maxBodyBytes?: number;
  readonly maxConnections?: number;
  /** How long a client may take to send a request's headers (default 10 s) and the whole request (30 s). */
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly now?: () => Date;
}

export interface RunningServer {
  readonly url: string;
  /** Stops accepting connections, waits for requests in flight, then closes idle connections. */
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        reject(new BodyTooLarge());
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The healthz route every server has. */
export const healthRoute: Route = {
  method: 'GET',
  path: '/healthz',
  handle: () => Promise.resolve(json(200, { status: 'ok' })),
};

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const routes = [healthRoute, ...options.routes];
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const max = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const inFlight = new Set<Promise<void>>();
  const sockets = new Set<Socket>();
  let closing = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    let reply: Reply;
    const match = matchRoute(routes, method, path);
    if ('status' in match) {
      reply = json(match.status, { error: match.status === 404 ? 'Not found.' : `Use ${match.allow ?? 'POST'}.` });
      if (match.allow) res.setHeader('allow', match.allow);
      req.resume();
    } else {
      try {
        const body = await readBody(req, max);
        reply = await match.route.handle(body, req.headers);
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          reply = json(413, { error: `The body is larger than ${max} bytes.` });
          res.setHeader('connection', 'close');
        } else {
          reply = json(500, { error: 'Internal error.' }, { error: (error as Error).message });
        }
      }
    }
    if (closing) res.setHeader('connection', 'close');
    let status = reply.status;
    if (reply.respond) {
      try {
        await reply.respond(req, res);
      } catch (error) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(res.writableEnded ? undefined : JSON.stringify({ error: 'Internal error.' }));
        reply = { ...reply, log: { ...reply.log, error: (error as Error).message } };
      }
      status = res.statusCode;
    } else {
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
      res.end(method === 'HEAD' ? undefined : JSON.stringify(reply.body));
    }
    log(
      JSON.stringify({
        time: now().toISOString(),
        method,
        path,
        status,
        ms: Date.now() - started,
        ...reply.log,
      }),
    );
  };

  const server: Server = createServer((req, res) => {
    if (over.has(req.socket)) return refuse(req, res);
    const done = handle(req, res).finally(() => inFlight.delete(done));
    inFlight.add(done);
  });
  // Without a cap, a flood of connections (each held until its timeout) takes every file descriptor and the memory
  // of the one process that also answers the alerts that matter. Those beyond it are answered 503, then closed.
  const cap = options.maxConnections ?? MAX_CONNECTIONS;
  const over = new WeakSet<Socket>();
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (sockets.size > cap) {
      over.add(socket);
      socket.setTimeout(headersTimeout, () => socket.destroy());
    }
  });
  const refuse = (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1', connection: 'close' });
    res.end(JSON.stringify({ error: 'Too many connections; retry shortly.' }));
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    log(JSON.stringify({ time: now().toISOString(), method: req.method, path, status: 503, ms: 0 }));
  };
  // A client that stops sending (slowloris) must not hold a request open forever.
  server.requestTimeout = options.requestTimeoutMs ?? 30_000;
  server.headersTimeout = headersTimeout;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      server.closeIdleConnections();
      // Keep-alive connections that sent nothing more after their last answer.
      setTimeout(() => sockets.forEach((s) => s.destroy()), 1000).unref();
      await closed;
    },
  };
}
