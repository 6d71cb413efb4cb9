// What the command flows get from VS Code: the prompter, the session (signing in when needed), the editor's code
// and the host (browser, Markdown documents, other commands).
import * as vscode from 'vscode';
import type { Logger } from '../../core/github/github-client';
import type { OfflineQueue } from '../../core/use-cases/offline-queue';
import { EditorCodeContext } from '../code-context';
import type { FlowContext } from '../flows/context';
import type { Prompter } from '../flows/prompter';
import type { GitFacts } from '../git';
import type { IncidentStore } from '../incident-store';
import type { SessionManager } from '../session';
import type { WorkspaceConfig } from '../workspace-config';
import { readSettings } from '../settings';
import type { SignInState } from './sign-in';

export interface FlowContextDeps {
  readonly prompter: Prompter;
  readonly sessions: SessionManager;
  readonly signIn: SignInState;
  readonly store: IncidentStore;
  readonly queue: OfflineQueue;
  readonly git: GitFacts;
  readonly workspaceConfig: WorkspaceConfig;
  readonly log: Logger;
}

export function createFlowContext(deps: FlowContextDeps): FlowContext {
  const { sessions, signIn } = deps;
  return {
    prompter: deps.prompter,
    session: async () => {
      const session = await sessions.get(true);
      if (session && !signIn.isSignedIn) await signIn.update();
      return session;
    },
    store: deps.store,
    queue: deps.queue,
    code: new EditorCodeContext(deps.git, deps.workspaceConfig),
    host: {
      openUrl: async (url) => void (await vscode.env.openExternal(vscode.Uri.parse(url))),
      openMarkdown: async (content) => {
        const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
        await vscode.window.showTextDocument(document, { preview: false });
      },
      execute: async (command, ...args) => void (await vscode.commands.executeCommand(command, ...args)),
    },
    now: () => new Date(),
    log: deps.log,
    preferences: () => {
      const { suggestBreaks, declareReminder, commsNudges } = readSettings();
      return { suggestBreaks, declareReminder, commsNudges };
    },
  };
}
