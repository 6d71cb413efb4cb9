// One timed run of an operation against the sandbox, read from the sandbox's request log: how many requests, how
// many cost rate-limit quota (304s do not), how many were writes, the HTTP body bytes each way, and the wall time.
import { performance } from 'node:perf_hooks';
import type { RecordedRequest, Sandbox } from '../sandbox/server';

export interface Sample {
  readonly requests: number;
  /** Requests that spend rate limit: everything but 304 answers (and the free GET /rate_limit). */
  readonly quota: number;
  /** POST, PATCH, PUT and DELETE requests. */
  readonly writes: number;
  /** Answered 304 Not Modified (a conditional request that matched). */
  readonly notModified: number;
  /** Request body bytes (client to GitHub); headers are not counted. */
  readonly bytesSent: number;
  /** Response body bytes (GitHub to client); headers are not counted. */
  readonly bytesReceived: number;
  readonly wallMs: number;
  /** `METHOD path status` of each request, for the JSON report. */
  readonly trace: readonly string[];
}

export function summarizeRequests(requests: readonly RecordedRequest[], wallMs: number): Sample {
  return {
    requests: requests.length,
    quota: requests.filter((r) => r.status !== 304 && r.path !== '/rate_limit').length,
    writes: requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD').length,
    notModified: requests.filter((r) => r.status === 304).length,
    bytesSent: requests.reduce((sum, r) => sum + r.bytesIn, 0),
    bytesReceived: requests.reduce((sum, r) => sum + r.bytesOut, 0),
    wallMs,
    trace: requests.map((r) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ''} ${r.status}`),
  };
}

/** Runs `fn` once and reads what it cost from the sandbox's log. */
export async function sample(sandbox: Sandbox, fn: () => Promise<unknown>): Promise<Sample> {
  const start = sandbox.requests.length;
  const t0 = performance.now();
  await fn();
  const wallMs = performance.now() - t0;
  return summarizeRequests(sandbox.requests.slice(start), wallMs);
}

export interface Stats {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN };
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { min: sorted[0] ?? Number.NaN, median, max: sorted[sorted.length - 1] ?? Number.NaN };
}

/** Several samples of one figure at one latency. */
export interface Measurement {
  readonly latencyMs: number;
  readonly runs: number;
  readonly requests: Stats;
  readonly quota: Stats;
  readonly writes: Stats;
  readonly notModified: Stats;
  readonly bytesSent: Stats;
  readonly bytesReceived: Stats;
  readonly wallMs: Stats;
  /** Wall time ÷ the injected round-trip time; undefined at 0 ms. */
  readonly wallPerRtt?: Stats;
  /** The requests of the first run. */
  readonly trace: readonly string[];
}

export function aggregate(latencyMs: number, samples: readonly Sample[]): Measurement {
  const of = (pick: (s: Sample) => number) => stats(samples.map(pick));
  const wallMs = of((s) => s.wallMs);
  return {
    latencyMs,
    runs: samples.length,
    requests: of((s) => s.requests),
    quota: of((s) => s.quota),
    writes: of((s) => s.writes),
    notModified: of((s) => s.notModified),
    bytesSent: of((s) => s.bytesSent),
    bytesReceived: of((s) => s.bytesReceived),
    wallMs,
    ...(latencyMs > 0
      ? { wallPerRtt: { min: wallMs.min / latencyMs, median: wallMs.median / latencyMs, max: wallMs.max / latencyMs } }
      : {}),
    trace: samples[0]?.trace ?? [],
  };
}

/**
 * Measures an operation `runs` times at `latencyMs`. `prepare` runs untimed before each run (a fresh client, data
 * to load) and returns the timed operation; `after` runs untimed after each run. Both run at 0 ms latency.
 */
export async function measure(
  sandbox: Sandbox,
  latencyMs: number,
  runs: number,
  prepare: () => Promise<() => Promise<unknown>> | (() => Promise<unknown>),
  after?: () => Promise<void> | void,
): Promise<Measurement> {
  const samples: Sample[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      sandbox.setLatency(0);
      const op = await prepare();
      sandbox.setLatency(latencyMs);
      samples.push(await sample(sandbox, op));
      sandbox.setLatency(0);
      await after?.();
    }
  } finally {
    sandbox.setLatency(0);
  }
  return aggregate(latencyMs, samples);
}
