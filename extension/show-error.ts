// Shows an error the one Firebreak way: what failed and what to do, with action buttons; details to the log.
import * as vscode from 'vscode';
import { FirebreakError } from '../core/domain/errors';
import { formatError } from './error-format';
import { openSettings } from './settings';
import { COMMANDS } from './ids';

export interface ErrorSurface {
  readonly log: vscode.LogOutputChannel;
  /** Opens the incident config file (for config errors). */
  openConfig(): Thenable<unknown> | Promise<unknown>;
}

/** Not awaited by commands: the notification stays until the person acts on it. */
export async function showError(
  surface: ErrorSurface,
  error: unknown,
  doing: string,
  retry?: () => Thenable<unknown>,
): Promise<void> {
  const formatted = formatError(error, doing);
  surface.log.error(formatted.logLine);
  // Stacks of our own code help a bug report; typed errors (causes hold request details) are logged as text only.
  if (!(error instanceof FirebreakError) && error instanceof Error && error.stack) surface.log.debug(error.stack);
  const actions = formatted.actions.filter((a) => a !== 'Retry' || retry !== undefined);
  const choice = await vscode.window.showErrorMessage(formatted.message, ...actions);
  switch (choice) {
    case 'Sign in':
      await vscode.commands.executeCommand(COMMANDS.signIn);
      break;
    case 'Open settings':
      await openSettings();
      break;
    case 'Open config':
      await surface.openConfig();
      break;
    case 'Retry':
      await retry?.();
      break;
    case 'Show log':
      surface.log.show();
      break;
    default:
      break;
  }
}
