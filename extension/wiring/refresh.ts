// Reloading the incidents (poll, Refresh command, after sign-in) and when it happens: polling runs while someone
// looks (the view is visible or an incident is current), and only after the person first acted.
import * as vscode from 'vscode';
import type { OfflineQueue } from '../../core/use-cases/offline-queue';
import { formatError } from '../error-format';
import { COMMANDS } from '../ids';
import type { IncidentStore } from '../incident-store';
import { Poller } from '../schedules';
import type { Session, SessionManager } from '../session';
import { readSettings } from '../settings';
import { showError, type ErrorSurface } from '../show-error';
import type { SignInState } from './sign-in';

export interface RefreshDeps {
  readonly sessions: SessionManager;
  readonly signIn: SignInState;
  readonly store: IncidentStore;
  readonly queue: OfflineQueue;
  readonly errors: ErrorSurface;
  /** Runs after a successful reload (nudges, suggestions, retros due); its failures are logged, never shown. */
  readonly afterRefresh?: (session: Session) => Promise<void>;
}

/** Reloads incidents and delivers what waits; `interactive` shows errors and offers sign-in. */
export function createRefresh(deps: RefreshDeps): (interactive: boolean) => Promise<void> {
  const { sessions, signIn, store, queue, errors } = deps;
  return async (interactive) => {
    try {
      const session = await sessions.get(false);
      await signIn.update(true);
      if (!session) {
        if (interactive) {
          void vscode.window
            .showInformationMessage('Sign in to GitHub to see the incidents.', 'Sign in')
            .then((choice) => (choice ? vscode.commands.executeCommand(COMMANDS.signIn) : undefined));
        }
        return;
      }
      await store.refresh(session);
      // GitHub answered: deliver what waits, without waiting for the backoff.
      if (queue.pending.length > 0) await queue.flush(session, { force: true });
      if (deps.afterRefresh)
        await deps
          .afterRefresh(session)
          .catch((error: unknown) =>
            errors.log.warn(`after refresh: ${formatError(error, 'Refresh incidents').logLine}`),
          );
    } catch (error) {
      if (store.state !== 'error') store.fail(error);
      if (interactive)
        void showError(errors, error, 'Refresh incidents', () => vscode.commands.executeCommand(COMMANDS.refresh));
      else errors.log.warn(formatError(error, 'Refresh incidents').logLine);
    }
  };
}

/**
 * Polls while someone looks (the view is visible or an incident is current), once the person has acted: ran a
 * command or showed the view. Showing the view also asks the auth provider whether the person is signed in.
 */
export class Polling implements vscode.Disposable {
  private acted = false;
  private readonly poller: Poller;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    refresh: (interactive: boolean) => Promise<void>,
    private readonly view: vscode.TreeView<unknown>,
    private readonly store: IncidentStore,
    private readonly signIn: SignInState,
  ) {
    this.poller = new Poller(
      () => refresh(false),
      () => readSettings().pollIntervalSeconds * 1000,
    );
    this.subscriptions = [
      this.poller,
      view.onDidChangeVisibility((e) => {
        if (e.visible) this.viewShown();
        this.update();
      }),
      store.onDidChange(() => this.update()),
    ];
  }

  markActed(): void {
    if (this.acted) return;
    this.acted = true;
    this.update();
  }

  /** A view restored visible starts work after activation has returned. */
  startAfterActivation(): void {
    const timer = setTimeout(() => {
      if (this.view.visible) this.viewShown();
    }, 0);
    this.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }

  /** After a settings change: reload now if polling may run. */
  runNowIfActed(): void {
    if (this.acted) void this.poller.runNow();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private viewShown(): void {
    this.markActed();
    void this.signIn.update(true);
  }

  private update(): void {
    this.poller.setActive(this.acted && (this.view.visible || this.store.current !== undefined));
  }
}
