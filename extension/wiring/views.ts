// The views over the incident store: the Incidents tree (with its badge and lazily loaded timelines), the status
// bar item, the CodeLens, and the context keys the welcome content and menus read.
import * as vscode from 'vscode';
import type { Incident } from '../../core/domain/incident';
import type { OfflineQueue } from '../../core/use-cases/offline-queue';
import type { GitFacts } from '../git';
import { CONTEXT_KEYS, VIEW_ID } from '../ids';
import type { IncidentStore } from '../incident-store';
import type { SessionManager } from '../session';
import { readSettings } from '../settings';
import type { PastIncidents } from '../past-incidents';
import { IncidentCodeLens } from '../views/code-lens';
import { PastIncidentLens } from '../views/history-lens';
import { IncidentsTree } from '../views/incidents-tree';
import { GIT_SHOW_SCHEME, gitShowProvider, WhatChanged } from '../views/what-changed';
import { SuspectLens } from '../views/suspect-lens';
import { GitCli } from '../../core/git-cli';
import { suspectsFor } from '../../core/use-cases/suspects';
import { IncidentStatusBar } from '../views/status-bar';
import type { WorkspaceConfig } from '../workspace-config';
import { setContext } from './sign-in';
import { ShowIncident } from '../../core/use-cases/show-incident';

export interface ViewsDeps {
  readonly store: IncidentStore;
  readonly queue: OfflineQueue;
  readonly sessions: SessionManager;
  readonly workspaceConfig: WorkspaceConfig;
  readonly git: GitFacts;
  readonly past: PastIncidents;
  readonly log: vscode.LogOutputChannel;
}

export class IncidentViews implements vscode.Disposable {
  readonly tree: IncidentsTree;
  readonly view: vscode.TreeView<unknown>;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly deps: ViewsDeps) {
    const { store, queue, workspaceConfig, git } = deps;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const root = folder?.scheme === 'file' ? folder.fsPath : undefined;
    const whatChanged = new WhatChanged(async (incident) => {
      const session = await deps.sessions.get(false);
      if (!session?.connection) return undefined;
      const detail = incident.timelineLoaded ? incident : await new ShowIncident(session.service).run(incident.number);
      return suspectsFor(session.connection, root ? { local: new GitCli(root) } : {}).run({ incident: detail });
    }, root);
    this.tree = new IncidentsTree({
      whatChanged,
      store,
      queue,
      config: () => workspaceConfig.current,
      loadTimeline: timelineLoader(deps),
    });
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.tree, showCollapseAll: true });
    const statusBar = new IncidentStatusBar({
      store,
      queue,
      config: () => workspaceConfig.current,
      remindersOn: () => readSettings().updateReminders,
    });
    const codeLens = new IncidentCodeLens(store, git);
    const history = new PastIncidentLens(deps.past);
    this.subscriptions = [
      whatChanged,
      ...(root
        ? [
            vscode.workspace.registerTextDocumentContentProvider(GIT_SHOW_SCHEME, gitShowProvider(root)),
            vscode.languages.registerCodeLensProvider({ scheme: 'file' }, new SuspectLens(store, whatChanged, root)),
          ]
        : []),
      this.tree,
      this.view,
      statusBar,
      codeLens,
      vscode.languages.registerCodeLensProvider({ scheme: 'file' }, codeLens),
      history,
      vscode.languages.registerCodeLensProvider({ scheme: 'file' }, history),
      vscode.languages.registerHoverProvider({ scheme: 'file' }, history),
      store.onDidChange(() => {
        this.publishContext();
        this.updateBadge();
        // A refresh (poll, sign-in) is when past incidents may load: CodeLens asks again, which loads when due.
        deps.past.poke();
      }),
    ];
  }

  /** The context keys from the store (local state only). */
  publishContext(): void {
    const { store } = this.deps;
    void setContext(CONTEXT_KEYS.state, store.state);
    void setContext(CONTEXT_KEYS.hasIncidents, store.incidents.length > 0);
    void setContext(CONTEXT_KEYS.hasCurrent, store.current !== undefined);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private updateBadge(): void {
    const count = this.deps.store.incidents.length;
    this.view.badge =
      count > 0 ? { value: count, tooltip: `${count} active incident${count === 1 ? '' : 's'}` } : undefined;
  }
}

/** Loads an incident's timeline when the tree first shows it; one load per incident at a time. */
function timelineLoader({ sessions, store, log }: ViewsDeps): (incident: Incident) => void {
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
}
