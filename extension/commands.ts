// Registers every Firebreak command: each asks (through a flow), calls the core, shows the result, and hands any
// error to showError with a Retry that runs the same command again.
import * as vscode from 'vscode';
import { GitHubError } from '../core/domain/errors';
import type { CodeRef } from '../core/domain/incident';
import type { CodeMention } from '../core/domain/code-index';
import type { OfflineQueue } from '../core/use-cases/offline-queue';
import type { GitHubAuth } from './auth';
import { COMMANDS, type CommandId } from './ids';
import type { FlowContext, IncidentArg } from './flows/context';
import { declareIncident } from './flows/declare';
import { logDestructiveAction, logEntry } from './flows/log-entry';
import { involveOwners } from './flows/owners';
import { postUpdate } from './flows/post-update';
import { resolveIncident } from './flows/resolve';
import { postRetro, startRetro } from './flows/retro';
import { callBreak, skipRetro } from './flows/people';
import type { LogKind } from '../core/domain/incident';
import { assignRole } from './flows/roles';
import { takeLead } from './flows/take-lead';
import { openIncident, selectIncident } from './flows/select';
import { changeSeverity } from './flows/severity';
import { revertSuspect, rollBackDeploy } from './flows/suspects';
import type { IncidentStore } from './incident-store';
import type { SessionManager } from './session';
import { readSettings } from './settings';
import { showError, type ErrorSurface } from './show-error';
import { showCodeMentions } from './views/code-lens';
import { incidentOfNode, retroOfNode, type TreeNode } from './views/incidents-tree';

export interface CommandDeps {
  readonly flows: FlowContext;
  readonly sessions: SessionManager;
  readonly auth: GitHubAuth;
  readonly store: IncidentStore;
  readonly queue: OfflineQueue;
  readonly errors: ErrorSurface;
  /** Reloads incidents (and flushes the queue); `interactive` shows errors. */
  readonly refresh: (interactive: boolean) => Promise<void>;
  /** Called by every command: the person acts, so polling may start. */
  readonly acted: () => void;
  readonly signedInChanged: () => Promise<void>;
  readonly openCode: (code: CodeRef) => Promise<void>;
}

/** What each command does, for its error messages ("Could not post update: ..."). */
export const COMMAND_TITLES: Readonly<Record<CommandId, string>> = {
  [COMMANDS.declareIncident]: 'Declare incident',
  [COMMANDS.logEntry]: 'Log entry',
  [COMMANDS.logDestructiveAction]: 'Log destructive action',
  [COMMANDS.postUpdate]: 'Post update',
  [COMMANDS.postPublicUpdate]: 'Post public update',
  [COMMANDS.assignRole]: 'Assign role',
  [COMMANDS.takeLead]: 'Take lead',
  [COMMANDS.changeSeverity]: 'Change severity',
  [COMMANDS.resolveIncident]: 'Resolve incident',
  [COMMANDS.startRetro]: 'Start retro',
  [COMMANDS.postRetro]: 'Post retro',
  [COMMANDS.selectIncident]: 'Select incident',
  [COMMANDS.openIncident]: 'Open incident',
  [COMMANDS.involveOwners]: 'Involve code owners',
  [COMMANDS.startDrill]: 'Start drill',
  [COMMANDS.signIn]: 'Sign in',
  [COMMANDS.signOut]: 'Sign out',
  [COMMANDS.refresh]: 'Refresh incidents',
  [COMMANDS.showLog]: 'Show log',
  [COMMANDS.openCodeRef]: 'Open code',
  [COMMANDS.showCodeMentions]: 'Show incident entries',
  [COMMANDS.discardPending]: 'Discard entry',
  [COMMANDS.retryPending]: 'Retry entry',
  [COMMANDS.callBreak]: 'Call a break',
  [COMMANDS.skipRetro]: 'Skip retro',
  [COMMANDS.revertSuspect]: 'Revert suspect',
  [COMMANDS.rollBackDeploy]: 'Roll back deploy',
};

/** The checkout git runs in: the first workspace folder on disk. */
function checkoutRoot(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder?.scheme === 'file' ? folder.fsPath : undefined;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { flows } = deps;
  const arg = (node: unknown): IncidentArg => incidentOfNode(node);

  // One handler per command ID: the type makes a missing (or unknown) command a compile error.
  const handlers: Record<CommandId, (...args: unknown[]) => Promise<unknown>> = {
    [COMMANDS.declareIncident]: () => declareIncident(flows),
    [COMMANDS.startDrill]: () => declareIncident(flows, { drill: true }),
    [COMMANDS.logEntry]: (node) => logEntry(flows, arg(node), (node as { kind?: LogKind } | undefined)?.kind),
    [COMMANDS.logDestructiveAction]: (node) => logDestructiveAction(flows, arg(node)),
    [COMMANDS.postUpdate]: (node) => postUpdate(flows, arg(node)),
    [COMMANDS.postPublicUpdate]: (node) => postUpdate(flows, arg(node), { public: true }),
    [COMMANDS.assignRole]: (node, role) =>
      assignRole(
        flows,
        arg(node),
        typeof role === 'string' ? role : (node as Extract<TreeNode, { type: 'role' }> | undefined)?.role?.name,
      ),
    [COMMANDS.takeLead]: (node) => takeLead(flows, arg(node)),
    [COMMANDS.changeSeverity]: (node) => changeSeverity(flows, arg(node)),
    [COMMANDS.resolveIncident]: (node) => resolveIncident(flows, arg(node)),
    [COMMANDS.startRetro]: (node) => startRetro(flows, arg(node)),
    [COMMANDS.postRetro]: () => postRetro(flows, vscode.window.activeTextEditor?.document.getText()),
    [COMMANDS.selectIncident]: (node) => selectIncident(flows, arg(node)),
    [COMMANDS.openIncident]: (node) => openIncident(flows, arg(node)),
    [COMMANDS.involveOwners]: (node) => involveOwners(flows, arg(node)),
    [COMMANDS.signIn]: () => signIn(deps),
    [COMMANDS.signOut]: () => signOut(deps),
    [COMMANDS.refresh]: () => deps.refresh(true),
    [COMMANDS.showLog]: async () => deps.errors.log.show(),
    [COMMANDS.openCodeRef]: (code) => deps.openCode(code as CodeRef),
    [COMMANDS.showCodeMentions]: (mentions) => showCodeMentions((mentions as CodeMention[] | undefined) ?? []),
    [COMMANDS.discardPending]: (node) => discardPending(deps, node),
    [COMMANDS.retryPending]: (node) => retryPending(deps, node),
    [COMMANDS.callBreak]: (node) => callBreak(flows, arg(node)),
    [COMMANDS.skipRetro]: (node) => skipRetro(flows, retroOfNode(node) ?? arg(node)),
    [COMMANDS.revertSuspect]: (sha) => revertSuspect(flows, checkoutRoot(), typeof sha === 'string' ? sha : undefined),
    [COMMANDS.rollBackDeploy]: (node) => rollBackDeploy(flows, checkoutRoot(), arg(node)),
  };

  return (Object.entries(handlers) as [CommandId, (typeof handlers)[CommandId]][]).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      deps.acted();
      try {
        await handler(...args);
      } catch (error) {
        void showError(deps.errors, error, COMMAND_TITLES[id], () => vscode.commands.executeCommand(id, ...args));
      }
    }),
  );
}

async function signIn(deps: CommandDeps): Promise<void> {
  const { apiUrl } = readSettings();
  const token = await deps.auth.signIn(apiUrl);
  if (!token) return;
  deps.sessions.reset();
  try {
    const session = await deps.sessions.get(false);
    await deps.signedInChanged();
    if (!session) return;
    void vscode.window.showInformationMessage(
      `Signed in to GitHub as @${session.actor}. Incidents of ${session.repo.owner}/${session.repo.name} are in the Incidents view.`,
    );
    await deps.refresh(false);
  } catch (error) {
    // A token GitHub rejects is not kept.
    if (error instanceof GitHubError && error.code === 'auth') {
      await deps.auth.forgetToken(apiUrl);
      await deps.signedInChanged();
    }
    throw error;
  }
}

async function signOut(deps: CommandDeps): Promise<void> {
  await deps.auth.signOut(readSettings().apiUrl);
  deps.sessions.reset();
  await deps.store.clear({ keepCurrent: true });
  await deps.signedInChanged();
  void vscode.window.showInformationMessage(
    'Signed out of Firebreak. Entries waiting to be delivered are kept until you sign in again.',
  );
}

function pendingKey(node: unknown): string | undefined {
  const item = (node as Extract<TreeNode, { type: 'pending' }> | undefined)?.item;
  return item?.key;
}

async function discardPending(deps: CommandDeps, node: unknown): Promise<void> {
  const key = pendingKey(node);
  const item = deps.queue.pending.find((p) => p.key === key);
  if (!item) return;
  const choice = await vscode.window.showWarningMessage(
    `Discard this ${item.write.type === 'update' ? 'update' : item.write.kind} for #${item.issue}? It was never delivered to GitHub.`,
    { modal: true, detail: item.write.text },
    'Discard',
  );
  if (choice === 'Discard') await deps.queue.discard(item.key);
}

async function retryPending(deps: CommandDeps, node: unknown): Promise<void> {
  const key = pendingKey(node);
  if (!key) return;
  await deps.queue.retry(key);
  await deps.refresh(true);
}
