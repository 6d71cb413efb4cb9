// Composition root: builds the objects, registers commands and views, pushes every disposable. Activation sends
// no request: the session (and its first request) is built when the person runs a command or opens the view.
import * as vscode from 'vscode';
import type { Logger } from '../core/github/github-client';
import { repoSlug, type CodeRef } from '../core/domain/incident';
import { OfflineQueue, type QueuedWrite, type QueueStorage } from '../core/use-cases/offline-queue';
import { GitHubAuth } from './auth';
import { EditorCodeContext } from './code-context';
import { formatError } from './error-format';
import { registerCommands } from './commands';
import type { FlowContext } from './flows/context';
import { GitFacts } from './git';
import { IncidentStore } from './incident-store';
import { Poller, RetryTimer } from './schedules';
import { SessionManager } from './session';
import { readSettings, SECTION } from './settings';
import { showError, type ErrorSurface } from './show-error';
import { VsCodePrompter } from './vscode-prompter';
import { IncidentCodeLens } from './views/code-lens';
import { IncidentsTree } from './views/incidents-tree';
import { IncidentStatusBar } from './views/status-bar';
import { WorkspaceConfig } from './workspace-config';

const QUEUE_KEY = 'firebreak.offlineQueue';
/** Entries left from an earlier window are retried a little after start, never during activation. */
const FIRST_QUEUE_RETRY_MS = 10_000;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Firebreak', { log: true });
  const coreLog: Logger = { debug: (m) => log.debug(m), info: (m) => log.info(m), warn: (m) => log.warn(m) };
  const prompter = new VsCodePrompter();
  const git = new GitFacts(log);
  const workspaceConfig = new WorkspaceConfig(log);
  const auth = new GitHubAuth(context.secrets, context.globalState, prompter, log);

  const sessions = new SessionManager({
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

  // The queue lives in workspace state: it survives reloads, and one window per workspace delivers it.
  const storage: QueueStorage = {
    read: () => context.workspaceState.get<QueuedWrite[]>(QUEUE_KEY),
    write: (items) => Promise.resolve(context.workspaceState.update(QUEUE_KEY, items)),
  };
  const queue = new OfflineQueue({ storage, log: coreLog });
  const store = new IncidentStore(context.workspaceState);

  const errors: ErrorSurface = {
    log,
    openConfig: async () => {
      const folder = workspaceConfig.folder;
      if (!folder) return;
      const file = vscode.Uri.joinPath(folder.uri, readSettings().configPath);
      const exists = await vscode.workspace.fs.stat(file).then(
        () => true,
        () => false,
      );
      // A missing file opens as a new one at its place, started with the key most people need first.
      const document = exists
        ? await vscode.workspace.openTextDocument(file)
        : await vscode.workspace.openTextDocument(file.with({ scheme: 'untitled' }));
      const editor = await vscode.window.showTextDocument(document);
      if (!exists && document.getText() === '')
        await editor.insertSnippet(new vscode.SnippetString('repository: ${1:owner/name}\n'));
    },
  };

  const setContext = (key: string, value: unknown) => vscode.commands.executeCommand('setContext', key, value);
  let signedIn = false;
  const updateSignedIn = async (askProvider = false) => {
    signedIn = (await sessions.peek()) !== undefined || (await auth.isSignedIn(readSettings().apiUrl, askProvider));
    await setContext('firebreak.signedIn', signedIn);
  };
  const updateStoreContext = () => {
    void setContext('firebreak.state', store.state);
    void setContext('firebreak.hasIncidents', store.incidents.length > 0);
    void setContext('firebreak.hasCurrent', store.current !== undefined);
  };

  const flushQueue = async () => {
    if (queue.pending.length === 0) return;
    const session = await sessions.get(false);
    if (session) await queue.flush(session);
  };

  const refresh = async (interactive: boolean) => {
    try {
      const session = await sessions.get(false);
      await updateSignedIn(true);
      if (!session) {
        if (interactive) {
          void vscode.window
            .showInformationMessage('Sign in to GitHub to see the incidents.', 'Sign in')
            .then((choice) => (choice ? vscode.commands.executeCommand('firebreak.signIn') : undefined));
        }
        return;
      }
      await store.refresh(session);
      // GitHub answered: deliver what waits, without waiting for the backoff.
      if (queue.pending.length > 0) await queue.flush(session, { force: true });
    } catch (error) {
      if (store.state !== 'error') store.fail(error);
      if (interactive)
        void showError(errors, error, 'Refresh incidents', () => vscode.commands.executeCommand('firebreak.refresh'));
      else log.warn(formatError(error, 'Refresh incidents').logLine);
    }
  };

  const tree = new IncidentsTree({
    store,
    queue,
    config: () => workspaceConfig.current,
    loadTimeline: (() => {
      const loading = new Set<number>();
      return (incident) => {
        if (loading.has(incident.number)) return;
        loading.add(incident.number);
        void sessions
          .get(false)
          .then((session) => (session ? store.loadDetail(session, incident.number) : undefined))
          .catch((error: unknown) => log.warn(`could not load the timeline of #${incident.number}: ${String(error)}`))
          .finally(() => loading.delete(incident.number));
      };
    })(),
  });
  const view = vscode.window.createTreeView('firebreak.incidents', { treeDataProvider: tree, showCollapseAll: true });

  let acted = false;
  const poller = new Poller(
    () => refresh(false),
    () => readSettings().pollIntervalSeconds * 1000,
  );
  const updatePolling = () => poller.setActive(acted && (view.visible || store.current !== undefined));
  const markActed = () => {
    if (acted) return;
    acted = true;
    updatePolling();
  };

  const retryTimer = new RetryTimer(() => queue.nextRetryDelay(), flushQueue);
  const statusBar = new IncidentStatusBar({
    store,
    queue,
    config: () => workspaceConfig.current,
    remindersOn: () => readSettings().updateReminders,
  });
  const codeLens = new IncidentCodeLens(store, git);

  const openCode = async (code: CodeRef) => {
    const folder = workspaceConfig.folder;
    const repository = folder ? await git.repositoryFor(folder.uri) : undefined;
    const origin = repository ? git.originRepo(repository) : undefined;
    const root = repository?.rootUri ?? folder?.uri;
    if (root && (!origin || repoSlug(origin).toLowerCase() === code.repo.toLowerCase())) {
      const uri = vscode.Uri.joinPath(root, code.path);
      try {
        await vscode.workspace.fs.stat(uri);
        const lastLine = Math.max(code.startLine, code.endLine) - 1;
        await vscode.window.showTextDocument(uri, {
          selection: new vscode.Range(code.startLine - 1, 0, lastLine, Number.MAX_SAFE_INTEGER),
          preview: true,
        });
        return;
      } catch {
        log.info(`${code.path} is not in this workspace; opening the permalink`);
      }
    }
    await vscode.env.openExternal(vscode.Uri.parse(code.permalink));
  };

  const flows: FlowContext = {
    prompter,
    session: async () => {
      const session = await sessions.get(true);
      if (session && !signedIn) await updateSignedIn();
      return session;
    },
    store,
    queue,
    code: new EditorCodeContext(git, workspaceConfig),
    host: {
      openUrl: async (url) => void (await vscode.env.openExternal(vscode.Uri.parse(url))),
      openMarkdown: async (content) => {
        const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
        await vscode.window.showTextDocument(document, { preview: false });
      },
      execute: async (command, ...args) => void (await vscode.commands.executeCommand(command, ...args)),
    },
    now: () => new Date(),
    log: coreLog,
  };

  const configWatcher = vscode.workspace.createFileSystemWatcher(`**/${readSettings().configPath}`);
  const configChanged = () => {
    workspaceConfig.invalidate();
    sessions.reset();
    tree.refresh();
  };

  context.subscriptions.push(
    log,
    auth,
    tree,
    view,
    statusBar,
    codeLens,
    poller,
    retryTimer,
    configWatcher,
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, codeLens),
    ...registerCommands({
      flows,
      sessions,
      auth,
      store,
      queue,
      errors,
      refresh,
      acted: markActed,
      signedInChanged: () => updateSignedIn(),
      openCode,
    }),
    view.onDidChangeVisibility((e) => {
      if (e.visible) {
        markActed();
        void updateSignedIn(true);
      }
      updatePolling();
    }),
    store.onDidChange(() => {
      updateStoreContext();
      updatePolling();
      view.badge =
        store.incidents.length > 0
          ? {
              value: store.incidents.length,
              tooltip: `${store.incidents.length} active incident${store.incidents.length === 1 ? '' : 's'}`,
            }
          : undefined;
    }),
    queue.onDidChange(() => retryTimer.reschedule()),
    auth.onDidChange(() => {
      sessions.reset();
      void updateSignedIn();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION) || e.affectsConfiguration('github-enterprise.uri')) {
        configChanged();
        void updateSignedIn();
        if (acted) void poller.runNow();
      }
    }),
    configWatcher.onDidChange(configChanged),
    configWatcher.onDidCreate(configChanged),
    configWatcher.onDidDelete(configChanged),
    vscode.workspace.onDidGrantWorkspaceTrust(configChanged),
  );

  // Local reads only: the stored token decides the welcome content; the status bar shows the saved current incident.
  void updateSignedIn(false);
  updateStoreContext();
  // A view restored visible, or entries left from an earlier window, start work after activation has returned.
  setTimeout(() => {
    if (view.visible) {
      markActed();
      void updateSignedIn(true);
    }
  }, 0);
  if (queue.pending.length > 0) {
    log.info(
      `${queue.pending.length} entr${queue.pending.length === 1 ? 'y waits' : 'ies wait'} to be delivered; retrying shortly`,
    );
    const first = setTimeout(() => retryTimer.reschedule(), FIRST_QUEUE_RETRY_MS);
    context.subscriptions.push({ dispose: () => clearTimeout(first) });
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
