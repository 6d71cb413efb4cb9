// A `fetch` for octokit over node:http and node:https, for processes that start cold and make a few requests (the
// Action). Node's global fetch is undici: loading it and compiling its WebAssembly HTTP parser costs a fresh process
// about a quarter of a second (measured: a bare script making one request takes 320 ms with fetch, 85 ms with
// node:https), and a process that exits right after its last answer waits for that compilation to finish.
// It covers what octokit's request asks of fetch: method, headers, a string body, an abort signal and redirects; the
// answer's status, URL, headers, text, JSON and bytes. Responses are asked for gzip, as fetch does.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createGunzip, createInflate } from 'node:zlib';

const MAX_REDIRECTS = 20;

/** The part of the Fetch API's Response that octokit reads. */
export interface NodeFetchResponse {
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly ok: boolean;
  readonly redirected: boolean;
  readonly headers: NodeFetchHeaders;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Response headers, lower-cased, iterable as [name, value] like the Fetch API's Headers. */
export class NodeFetchHeaders implements Iterable<[string, string]> {
  private readonly values = new Map<string, string>();

  constructor(raw: IncomingMessage['headers']) {
    for (const [name, value] of Object.entries(raw)) {
      if (value === undefined) continue;
      // Fetch joins repeated headers with ", " (set-cookie aside, which the API never sends).
      this.values.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.values.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  forEach(fn: (value: string, name: string) => void): void {
    this.values.forEach((value, name) => fn(value, name));
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return [...this.values.entries()].sort(([a], [b]) => (a < b ? -1 : 1))[Symbol.iterator]();
  }
}

interface FetchInit {
  readonly method?: string;
  readonly headers?: Record<string, string> | [string, string][] | Headers;
  readonly body?: unknown;
  readonly signal?: AbortSignal | null;
  readonly redirect?: 'follow' | 'error' | 'manual';
}

function headerRecord(headers: FetchInit['headers']): Record<string, string> {
  if (!headers) return {};
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  // Never `instanceof Headers`: touching that global loads undici, which this module exists to avoid.
  if (Object.getPrototypeOf(headers) !== Object.prototype && typeof (headers as Headers).forEach === 'function') {
    const out: Record<string, string> = {};
    (headers as Headers).forEach((value, name) => (out[name] = value));
    return out;
  }
  return { ...(headers as Record<string, string>) };
}

function bodyBytes(body: unknown): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('The Firebreak HTTP client sends string or byte bodies only.');
}

/** A fetch error as undici makes it: a TypeError whose cause is the network error (octokit reads the cause). */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function once(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  signal?: AbortSignal | null,
) {
  return new Promise<IncomingMessage>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
    if (!send) {
      reject(fetchFailed(new Error(`unknown scheme ${url.protocol}`)));
      return;
    }
    const req = send(url, {
      method,
      headers: { 'accept-encoding': 'gzip, deflate', ...headers, ...(body ? { 'content-length': body.length } : {}) },
    });
    const onAbort = () => {
      req.destroy();
      reject(abortReason(signal as AbortSignal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('response', (res) => {
      signal?.removeEventListener('abort', onAbort);
      resolve(res);
    });
    req.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(signal?.aborted ? abortReason(signal) : fetchFailed(error));
    });
    req.end(body);
  });
}

function readAll(res: IncomingMessage, signal?: AbortSignal | null): Promise<Buffer> {
  const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
  const stream =
    encoding === 'gzip' ? res.pipe(createGunzip()) : encoding === 'deflate' ? res.pipe(createInflate()) : res;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onAbort = () => {
      res.destroy();
      reject(abortReason(signal as AbortSignal));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(chunks));
    });
    stream.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(signal?.aborted ? abortReason(signal) : fetchFailed(error));
    });
    res.on('error', (error) => reject(fetchFailed(error)));
  });
}

/** fetch(url, init) over node:http(s): what octokit's `request.fetch` option takes. */
export async function nodeFetch(input: string | URL, init: FetchInit = {}): Promise<NodeFetchResponse> {
  let url = new URL(String(input));
  let method = (init.method ?? 'GET').toUpperCase();
  let headers = headerRecord(init.headers);
  let body = bodyBytes(init.body);
  let redirected = false;
  for (let hops = 0; ; hops++) {
    const res = await once(url, method, headers, body, init.signal);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if ([301, 302, 303, 307, 308].includes(status) && location && init.redirect !== 'manual') {
      res.resume();
      if (init.redirect === 'error') throw fetchFailed(new Error(`redirect to ${location} refused`));
      if (hops >= MAX_REDIRECTS) throw fetchFailed(new Error('too many redirects'));
      const next = new URL(location, url);
      // As fetch does: credentials never follow a redirect to another origin; 303 (and 301/302 after a POST) is a GET.
      if (next.origin !== url.origin)
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
      if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-/i.test(k)));
      }
      url = next;
      redirected = true;
      continue;
    }
    const bytes =
      method === 'HEAD' || status === 204 || status === 304
        ? Promise.resolve(Buffer.alloc(0))
        : readAll(res, init.signal);
    // Read at once (the answers are small JSON): an unread body would hold the connection.
    bytes.catch(() => undefined);
    const text = async () => (await bytes).toString('utf8');
    return {
      status,
      statusText: res.statusMessage ?? '',
      url: url.href,
      ok: status >= 200 && status < 300,
      redirected,
      headers: new NodeFetchHeaders(res.headers),
      text,
      json: async () => JSON.parse(await text()) as unknown,
      arrayBuffer: async () => {
        const b = await bytes;
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
      },
    };
  }
}

/** nodeFetch typed as the global fetch, for octokit's `request.fetch` option and ClientOptions.fetch. */
export const nodeFetchAsFetch = nodeFetch as unknown as typeof fetch;
