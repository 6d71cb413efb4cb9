// Typed errors the core throws. The core never prints; each edge turns these into a message that says what to fix.

export type ErrorCode =
  | 'config'
  | 'input'
  | 'auth'
  | 'permission'
  | 'not-found'
  | 'not-an-incident'
  | 'rate-limited'
  | 'unavailable'
  | 'validation'
  | 'conflict';

export class FirebreakError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** What the user can do about it, in one sentence. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FirebreakError';
  }
}

export interface ConfigProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted path of the offending field, e.g. `severities[1].update-every`. */
  readonly field: string;
  readonly message: string;
}

export class ConfigError extends FirebreakError {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      'config',
      problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ''}${p.message}`).join('\n'),
      'Fix the incident config file (.github/incidents.yml) and try again.',
    );
    this.name = 'ConfigError';
  }
}

export class InputError extends FirebreakError {
  constructor(message: string, hint?: string) {
    super('input', message, hint);
    this.name = 'InputError';
  }
}

export class GitHubError extends FirebreakError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly status: number | undefined,
    hint?: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(code, message, hint, options);
    this.name = 'GitHubError';
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
  readonly retryAfterSeconds: number | undefined;
}

/** One line for people: message plus hint, and never anything that could carry a secret. */
export function describeError(error: unknown): string {
  if (error instanceof FirebreakError) return error.hint ? `${error.message}\n${error.hint}` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
