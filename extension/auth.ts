// GitHub sign-in: VS Code's `github` provider (or `github-enterprise` when the API URL is the configured GHES), else
// a token the person pastes, kept in SecretStorage per API URL. Tokens never go to settings or the log.
import * as vscode from 'vscode';
import { GITHUB_API_URL } from '../core/github/github-client';
import type { Prompter } from './flows/prompter';

export const SCOPES = ['repo'];
const SIGNED_OUT_KEY = 'firebreak.signedOutOfProvider';

export type ProviderId = 'github' | 'github-enterprise';

/** The auth provider that can give a token for this API, if any. */
export function providerFor(apiUrl: string, enterpriseUri: string | undefined): ProviderId | undefined {
  const api = apiUrl.replace(/\/+$/, '');
  if (api === GITHUB_API_URL) return 'github';
  if (!enterpriseUri) return undefined;
  try {
    const host = new URL(enterpriseUri).host;
    return new URL(api).host === host ? 'github-enterprise' : undefined;
  } catch {
    return undefined;
  }
}

function secretKey(apiUrl: string): string {
  return `firebreak.token:${apiUrl.replace(/\/+$/, '')}`;
}

export class GitHubAuth implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
    private readonly prompter: Prompter,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      secrets.onDidChange((e) => {
        if (e.key.startsWith('firebreak.token:')) this.changed.fire();
      }),
      vscode.authentication.onDidChangeSessions((e) => {
        if (e.provider.id === 'github' || e.provider.id === 'github-enterprise') this.changed.fire();
      }),
    ];
  }

  provider(apiUrl: string): ProviderId | undefined {
    return providerFor(apiUrl, vscode.workspace.getConfiguration('github-enterprise').get<string>('uri'));
  }

  /** Whether a token is at hand without asking: a stored one, or (if `askProvider`) a provider session. */
  async isSignedIn(apiUrl: string, askProvider: boolean): Promise<boolean> {
    if (await this.secrets.get(secretKey(apiUrl))) return true;
    return askProvider ? (await this.providerSession(apiUrl, false)) !== undefined : false;
  }

  /** A token for the API; signs in first when `interactive`. */
  async token(apiUrl: string, interactive: boolean): Promise<string | undefined> {
    const stored = await this.secrets.get(secretKey(apiUrl));
    if (stored) return stored;
    const session = await this.providerSession(apiUrl, false);
    if (session) return session.accessToken;
    return interactive ? this.signIn(apiUrl) : undefined;
  }

  /** Signs in with the provider, or with a pasted token when there is none (or the person prefers one). */
  async signIn(apiUrl: string): Promise<string | undefined> {
    const provider = this.provider(apiUrl);
    if (provider) {
      try {
        const session = await this.providerSession(apiUrl, true);
        if (session) {
          await this.state.update(SIGNED_OUT_KEY, undefined);
          this.log.info(`signed in with the ${provider} provider as ${session.account.label}`);
          return session.accessToken;
        }
      } catch (error) {
        this.log.warn(
          `${provider} sign-in did not complete: ${error instanceof Error ? error.message : String(error)}`,
        );
        const choice = await this.prompter.warn('GitHub sign-in did not complete.', 'Use a token instead');
        if (choice !== 'Use a token instead') return undefined;
      }
    }
    return this.promptForToken(apiUrl, provider === undefined);
  }

  async signOut(apiUrl: string): Promise<void> {
    await this.secrets.delete(secretKey(apiUrl));
    // VS Code owns provider sessions (Accounts menu); Firebreak stops using them until the next sign-in.
    await this.state.update(SIGNED_OUT_KEY, true);
    this.changed.fire();
  }

  /** Forgets a stored token that GitHub rejected. */
  async forgetToken(apiUrl: string): Promise<void> {
    await this.secrets.delete(secretKey(apiUrl));
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
    this.changed.dispose();
  }

  private async providerSession(apiUrl: string, create: boolean): Promise<vscode.AuthenticationSession | undefined> {
    const provider = this.provider(apiUrl);
    if (!provider) return undefined;
    if (!create && this.state.get<boolean>(SIGNED_OUT_KEY)) return undefined;
    if (create) return vscode.authentication.getSession(provider, SCOPES, { createIfNone: true });
    try {
      return await vscode.authentication.getSession(provider, SCOPES, { silent: true });
    } catch {
      return undefined;
    }
  }

  private async promptForToken(apiUrl: string, noProvider: boolean): Promise<string | undefined> {
    const token = await this.prompter.input({
      title: 'Sign in to GitHub',
      prompt: `${noProvider ? `VS Code has no GitHub sign-in for ${apiUrl}. ` : ''}Paste a token that may write issues in the incident repository; it is kept in VS Code's secret storage.`,
      placeholder: 'ghp_… or github_pat_…',
      password: true,
      validate: (value) => {
        const text = value.trim();
        if (!text) return 'Paste a token (Settings → Developer settings → Personal access tokens on GitHub).';
        if (/\s/.test(text)) return 'A token has no spaces; paste it exactly as GitHub shows it.';
        return undefined;
      },
    });
    if (!token) return undefined;
    await this.secrets.store(secretKey(apiUrl), token.trim());
    await this.state.update(SIGNED_OUT_KEY, undefined);
    this.log.info(`a token for ${apiUrl} is stored in secret storage`);
    return token.trim();
  }
}
