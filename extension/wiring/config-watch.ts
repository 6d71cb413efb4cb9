// What makes the session stale: Firebreak settings (and the GHES URL), the config file, and workspace trust (which
// decides whether the workspace's templates are used). Each drops the session and redraws the tree.
import * as vscode from 'vscode';
import type { SessionManager } from '../session';
import { readSettings, SECTION } from '../settings';
import type { WorkspaceConfig } from '../workspace-config';
import type { Polling } from './refresh';
import type { SignInState } from './sign-in';
import type { IncidentViews } from './views';

export interface ConfigWatchDeps {
  readonly workspaceConfig: WorkspaceConfig;
  readonly sessions: SessionManager;
  readonly views: IncidentViews;
  readonly signIn: SignInState;
  readonly polling: Polling;
}

export function watchConfig({
  workspaceConfig,
  sessions,
  views,
  signIn,
  polling,
}: ConfigWatchDeps): vscode.Disposable[] {
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${readSettings().configPath}`);
  const configChanged = () => {
    workspaceConfig.invalidate();
    sessions.reset();
    views.tree.refresh();
  };
  return [
    watcher,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION) || e.affectsConfiguration('github-enterprise.uri')) {
        configChanged();
        void signIn.update();
        polling.runNowIfActed();
      }
    }),
    watcher.onDidChange(configChanged),
    watcher.onDidCreate(configChanged),
    watcher.onDidDelete(configChanged),
    vscode.workspace.onDidGrantWorkspaceTrust(configChanged),
  ];
}
