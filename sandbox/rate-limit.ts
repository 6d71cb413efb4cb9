// The primary rate limit: an hourly budget per token (per IP for anonymous callers) reported in x-ratelimit-* headers.
// Requests answered 304 are given back, as GitHub does not count them.

export interface RateLimitState {
  limit: number;
  remaining: number;
  used: number;
  /** Epoch seconds. */
  reset: number;
}

interface Window {
  limit: number;
  used: number;
  resetAt: number;
}

const WINDOW_SECONDS = 3600;

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly now: () => Date) {}

  private window(key: string, limit: number): Window {
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    let window = this.windows.get(key);
    if (window === undefined || nowSeconds >= window.resetAt) {
      window = { limit, used: 0, resetAt: nowSeconds + WINDOW_SECONDS };
      this.windows.set(key, window);
    }
    return window;
  }

  state(key: string, limit: number): RateLimitState {
    const window = this.window(key, limit);
    return {
      limit: window.limit,
      remaining: Math.max(0, window.limit - window.used),
      used: window.used,
      reset: window.resetAt,
    };
  }

  exhausted(key: string, limit: number): boolean {
    return this.state(key, limit).remaining === 0;
  }

  consume(key: string, limit: number): void {
    this.window(key, limit).used += 1;
  }

  refund(key: string, limit: number): void {
    const window = this.window(key, limit);
    window.used = Math.max(0, window.used - 1);
  }

  /** Remaining 0 until `resetInSeconds` from now; the next window starts fresh. */
  exhaust(key: string, limit: number, resetInSeconds: number): void {
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    this.windows.set(key, { limit, used: limit, resetAt: nowSeconds + resetInSeconds });
  }
}
