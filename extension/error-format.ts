// The one place that turns any error into what the person sees: a message that says what to fix and the actions
// that help ("Sign in", "Open settings", "Retry", "Show log"). Details go to the log, never secrets.
import { ConfigError, describeError, FirebreakError } from '../core/domain/errors';

export type ErrorAction = 'Sign in' | 'Open settings' | 'Open config' | 'Retry' | 'Show log';

export interface FormattedError {
  readonly message: string;
  readonly actions: readonly ErrorAction[];
  /** For the log: the error code and HTTP status, when known. */
  readonly logLine: string;
}

/** `doing` says what failed, e.g. "Declare incident". */
export function formatError(error: unknown, doing: string): FormattedError {
  const text = describeError(error).replace(/\n+/g, ' ');
  const message = `${doing}: ${text}`;
  const status = (error as { status?: unknown }).status;
  const code = error instanceof FirebreakError ? error.code : error instanceof Error ? error.name : 'error';
  const causes = causeMessages(error);
  const logLine = `${doing} failed [${code}${typeof status === 'number' ? ` ${status}` : ''}]: ${describeError(error)}${causes.length ? ` (caused by: ${causes.join(' <- ')})` : ''}`;
  if (error instanceof ConfigError) return { message, actions: ['Open config', 'Show log'], logLine };
  if (!(error instanceof FirebreakError)) return { message, actions: ['Retry', 'Show log'], logLine };
  switch (error.code) {
    case 'auth':
      return { message, actions: ['Sign in', 'Show log'], logLine };
    case 'permission':
      return { message, actions: ['Sign in', 'Open settings', 'Show log'], logLine };
    case 'not-found':
    case 'not-an-incident':
      return { message, actions: ['Open settings', 'Show log'], logLine };
    case 'config':
      return { message, actions: ['Open settings', 'Open config', 'Show log'], logLine };
    case 'unavailable':
    case 'rate-limited':
      return { message, actions: ['Retry', 'Show log'], logLine };
    case 'input':
      return { message, actions: [], logLine };
    default:
      return { message, actions: ['Show log'], logLine };
  }
}

/** Messages of the cause chain (e.g. "fetch failed" <- "connect ECONNREFUSED"): never request objects. */
export function causeMessages(error: unknown, depth = 4): string[] {
  const messages: string[] = [];
  let cause = (error as { cause?: unknown } | undefined)?.cause;
  while (cause !== undefined && cause !== null && messages.length < depth) {
    const message = cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : undefined;
    if (message) messages.push(message.split('\n')[0] ?? message);
    cause = (cause as { cause?: unknown }).cause;
  }
  return messages;
}
