// Decides which requests fail and how: a queue of deterministic one-off faults first, then random faults from a
// seeded PRNG so a failing run can be replayed with the same seed.

export type FaultKind =
  | 'http500'
  | 'http502'
  | 'http503'
  | 'reset'
  | 'secondary-rate-limit'
  | 'applied-502'
  /** A refusal for lack of permission (a token scoped narrower than its user): for one-off failNext only. */
  | 'forbidden';

export const FAULT_KINDS: readonly FaultKind[] = [
  'http500',
  'http502',
  'http503',
  'reset',
  'secondary-rate-limit',
  'applied-502',
];

export interface FaultPlan {
  rate: number;
  seed?: number;
  kinds?: FaultKind[];
  /** e.g. ['POST']; all methods when absent. */
  methods?: string[];
  /** For secondary-rate-limit; default 1. */
  retryAfterSeconds?: number;
}

export interface FaultFilter {
  method?: string;
  pathIncludes?: string;
}

interface Queued {
  kind: FaultKind;
  remaining: number;
  filter: FaultFilter;
}

/** mulberry32: tiny, fast and good enough to spread faults; the same seed gives the same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private plan: FaultPlan | undefined;
  private random: () => number = Math.random;
  private readonly queue: Queued[] = [];

  setPlan(plan: FaultPlan | undefined): void {
    if (plan !== undefined && (plan.rate < 0 || plan.rate > 1))
      throw new RangeError(`fault rate must be within 0..1, got ${plan.rate}`);
    this.plan = plan;
    this.random = mulberry32(plan?.seed ?? Date.now());
  }

  retryAfterSeconds(): number {
    return this.plan?.retryAfterSeconds ?? 1;
  }

  enqueue(kind: FaultKind, count: number, filter: FaultFilter): void {
    this.queue.push({ kind, remaining: count, filter });
  }

  /** The fault for this request, if any; one-offs are consumed only by requests that match their filter. */
  pick(method: string, path: string): FaultKind | undefined {
    const queued = this.queue.find(
      (entry) =>
        (entry.filter.method === undefined || entry.filter.method.toUpperCase() === method) &&
        (entry.filter.pathIncludes === undefined || path.includes(entry.filter.pathIncludes)),
    );
    if (queued) {
      queued.remaining -= 1;
      if (queued.remaining <= 0) this.queue.splice(this.queue.indexOf(queued), 1);
      return queued.kind;
    }
    const plan = this.plan;
    if (plan === undefined || plan.rate <= 0) return undefined;
    if (plan.methods && !plan.methods.some((m) => m.toUpperCase() === method)) return undefined;
    if (this.random() >= plan.rate) return undefined;
    const kinds = plan.kinds && plan.kinds.length > 0 ? plan.kinds : FAULT_KINDS;
    return kinds[Math.floor(this.random() * kinds.length)];
  }
}
