// Where sessions come from (settings, the token, the workspace config, the repository) and whether the person is
// signed in (the `firebreak.signedIn` context key that picks the welcome content).
import * as vscode from 'vscode';
import type { Logger } from '../../core/github/github-client';
import { repoSlug } from '../../core/domain/incident';
import type { GitHubAuth } from '../auth';
import type { GitFacts } from '../git';
import { CONTEXT_KEYS, type ContextKey } from '../ids';
import { SessionManager } from '../session';
import { readSettings } from '../settings';
import type { WorkspaceConfig } from '../workspace-config';

export function setContext(key: ContextKey, value: unknown): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', key, value);
}

export interface SessionSourceDeps {
  readonly auth: GitHubAuth;
  readonly workspaceConfig: WorkspaceConfig;
  readonly git: GitFacts;
  readonly log: vscode.LogOutputChannel;
  readonly coreLog: Logger;
}

/** Sessions built on first use from the current settings, token and workspace config. */
export function createSessions({ auth, workspaceConfig, git, log, coreLog }: SessionSourceDeps): SessionManager {
  return new SessionManager({
    inputs: async (interactive) => {
      const settings = readSettings();
      const token = await auth.token(settings.apiUrl, interactive);
      if (!token) return undefined;
      const { config, templates } = await workspaceConfig.load(settings);
      const repo = await workspaceConfig.resolveRepo(settings, config, git);
      log.info(`session: ${repoSlug(repo)} via ${settings.apiUrl}`);
      return { token, apiUrl: settings.apiUrl, repo, config, templates, log: coreLog };
    },
  });
}

/**
 * Whether the person is signed in: an open session, a stored token, or (when asked) a provider session. A change of
 * sign-in (token stored or removed, provider sessions) drops the session.
 */
export class SignInState implements vscode.Disposable {
  private signedIn = false;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly sessions: SessionManager,
    private readonly auth: GitHubAuth,
  ) {
    this.subscription = auth.onDidChange(() => {
      sessions.reset();
      void this.update();
    });
  }

  get isSignedIn(): boolean {
    return this.signedIn;
  }

  /** `askProvider` asks VS Code's auth provider too; without it only local state is read. */
  async update(askProvider = false): Promise<void> {
    this.signedIn =
      (await this.sessions.peek()) !== undefined || (await this.auth.isSignedIn(readSettings().apiUrl, askProvider));
    await setContext(CONTEXT_KEYS.signedIn, this.signedIn);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
