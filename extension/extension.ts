// Composition root: builds the parts, wires them and pushes every disposable. Activation sends no request: the
// session (and its first request) is built when the person runs a command or opens the view.
import * as vscode from 'vscode';
import type { Logger } from '../core/github/github-client';
import { GitHubAuth } from './auth';
import { registerCommands } from './commands';
import { GitFacts } from './git';
import { IncidentStore } from './incident-store';
import { PastIncidents } from './past-incidents';
import type { ErrorSurface } from './show-error';
import { VsCodePrompter } from './vscode-prompter';
import { watchConfig } from './wiring/config-watch';
import { QueueDelivery } from './wiring/delivery';
import { createFlowContext } from './wiring/flow-context';
import { registerLanguageModelTools } from './wiring/language-model-tools';
import { openCodeRef, openConfigFile } from './wiring/open-files';
import { createPeopleWatch } from './wiring/people';
import { createRefresh, Polling } from './wiring/refresh';
import { createSessions, SignInState } from './wiring/sign-in';
import { IncidentViews } from './wiring/views';
import { WorkspaceConfig } from './workspace-config';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Firebreak', { log: true });
  const coreLog: Logger = { debug: (m) => log.debug(m), info: (m) => log.info(m), warn: (m) => log.warn(m) };
  const prompter = new VsCodePrompter();
  const git = new GitFacts(log);
  const workspaceConfig = new WorkspaceConfig(log);
  const auth = new GitHubAuth(context.secrets, context.globalState, prompter, log);

  const sessions = createSessions({ auth, workspaceConfig, git, log, coreLog });
  const signIn = new SignInState(sessions, auth);
  const delivery = new QueueDelivery(context.workspaceState, sessions, log, coreLog);
  const { queue } = delivery;
  const store = new IncidentStore(context.workspaceState);
  const errors: ErrorSurface = { log, openConfig: () => openConfigFile(workspaceConfig) };

  const flows = createFlowContext({ prompter, sessions, signIn, store, queue, git, workspaceConfig, log: coreLog });
  const afterRefresh = createPeopleWatch(flows, store);
  const refresh = createRefresh({ sessions, signIn, store, queue, errors, afterRefresh });
  const past = new PastIncidents({ sessions, git, log });
  const views = new IncidentViews({ store, queue, sessions, workspaceConfig, git, past, log });
  const polling = new Polling(refresh, views.view, store, signIn);

  context.subscriptions.push(
    log,
    auth,
    signIn,
    delivery,
    past,
    views,
    polling,
    ...registerCommands({
      flows,
      sessions,
      auth,
      store,
      queue,
      errors,
      refresh,
      acted: () => polling.markActed(),
      signedInChanged: () => signIn.update(),
      openCode: (code) => openCodeRef(code, { workspaceConfig, git, log }),
    }),
    ...watchConfig({ workspaceConfig, sessions, views, signIn, polling }),
    ...registerLanguageModelTools({ flows, past, log }),
  );

  // Local reads only: the stored token decides the welcome content; the status bar shows the saved current incident.
  void signIn.update(false);
  views.publishContext();
  // A view restored visible, or entries left from an earlier window, start work after activation has returned.
  polling.startAfterActivation();
  delivery.startAfterActivation();
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
