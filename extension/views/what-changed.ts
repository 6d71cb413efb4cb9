// "What changed" under the current incident in the Incidents view: its suspects (pull request, author, deploy time,
// why they rank there), each commit's files opening in VS Code's diff editor against the parent commit, read from
// the local repository with `git show` through a content provider.
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { repoSlug, type Incident } from '../../core/domain/incident';
import { formatTime } from '../../core/domain/render';
import { subjectOf } from '../../core/domain/suspects';
import type { Suspect, SuspectsResult } from '../../core/use-cases/suspects';

export const GIT_SHOW_SCHEME = 'firebreak-git';

export type WhatChangedNode =
  | { readonly type: 'changes'; readonly incident: Incident }
  | { readonly type: 'suspect'; readonly result: SuspectsResult; readonly suspect: Suspect; readonly rank: number }
  | { readonly type: 'suspect-file'; readonly suspect: Suspect; readonly path: string };

type Entry = { state: 'loading' } | { state: 'loaded'; result: SuspectsResult } | { state: 'failed'; error: string };

/** Suspects per incident, loaded once on first view (Refresh loads them again). */
export class WhatChanged implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly load: (incident: Incident) => Promise<SuspectsResult | undefined>,
    /** The checkout whose git shows the diffs. */
    readonly root: string | undefined,
  ) {}

  /** The suspects of an incident once loaded. */
  loaded(incident: Incident): SuspectsResult | undefined {
    const entry = this.entries.get(`${repoSlug(incident.repo)}#${incident.number}`);
    return entry?.state === 'loaded' ? entry.result : undefined;
  }

  clear(): void {
    this.entries.clear();
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  children(node: WhatChangedNode): WhatChangedNode[] | { message: string; icon: string } {
    if (node.type === 'suspect')
      return node.suspect.files.map((path) => ({ type: 'suspect-file', suspect: node.suspect, path }));
    if (node.type === 'suspect-file') return [];
    const key = `${repoSlug(node.incident.repo)}#${node.incident.number}`;
    const entry = this.entries.get(key);
    if (!entry) {
      this.entries.set(key, { state: 'loading' });
      this.load(node.incident).then(
        (result) => {
          this.entries.set(
            key,
            result ? { state: 'loaded', result } : { state: 'failed', error: 'Sign in to see it.' },
          );
          this.changed.fire();
        },
        (error: unknown) => {
          this.entries.set(key, { state: 'failed', error: error instanceof Error ? error.message : String(error) });
          this.changed.fire();
        },
      );
      return { message: 'Looking at the deploys…', icon: 'loading~spin' };
    }
    if (entry.state === 'loading') return { message: 'Looking at the deploys…', icon: 'loading~spin' };
    if (entry.state === 'failed') return { message: entry.error, icon: 'error' };
    const { result } = entry;
    if (result.suspects.length === 0) return { message: result.note ?? 'No suspects.', icon: 'info' };
    return result.suspects.map((suspect, i) => ({ type: 'suspect', result, suspect, rank: i + 1 }));
  }

  item(node: WhatChangedNode): vscode.TreeItem {
    if (node.type === 'changes') {
      const item = new vscode.TreeItem('What changed', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `${repoSlug(node.incident.repo)}#${node.incident.number}/what-changed`;
      item.iconPath = new vscode.ThemeIcon('git-commit');
      item.tooltip = 'The changes deployed before the incident was declared, most suspect first.';
      return item;
    }
    if (node.type === 'suspect') {
      const { suspect, result } = node;
      const item = new vscode.TreeItem(
        `${node.rank}. ${subjectOf(suspect.message)}`,
        vscode.TreeItemCollapsibleState.Collapsed,
      );
      const pr = suspect.pr ? `#${suspect.pr.number} · ` : '';
      const deployed = result.deployed ? ` · deployed ${formatTime(result.deployed.deployedAt)}` : '';
      item.description = `${pr}@${suspect.author}${deployed}`;
      item.tooltip = new vscode.MarkdownString().appendText(
        [`${suspect.sha.slice(0, 7)} (score ${suspect.score})`, ...suspect.reasons.map((r) => `• ${r}`)].join('\n'),
      );
      item.iconPath = new vscode.ThemeIcon(node.rank === 1 ? 'flame' : 'git-commit');
      item.contextValue = 'suspect';
      return item;
    }
    const item = new vscode.TreeItem(node.path, vscode.TreeItemCollapsibleState.None);
    item.iconPath = vscode.ThemeIcon.File;
    const sha = node.suspect.sha;
    item.command = {
      command: 'vscode.diff',
      title: 'Open the change',
      arguments: [gitShowUri(`${sha}^`, node.path), gitShowUri(sha, node.path), `${node.path} (${sha.slice(0, 7)})`],
    };
    return item;
  }
}

function gitShowUri(ref: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: GIT_SHOW_SCHEME, path: `/${path}`, query: ref });
}

/** `git show REF:PATH` in the checkout; a file that did not exist on one side is empty there. */
export function gitShowProvider(root: string): vscode.TextDocumentContentProvider {
  return {
    provideTextDocumentContent: (uri) =>
      new Promise((resolve) => {
        execFile(
          'git',
          ['show', `${uri.query}:${uri.path.replace(/^\//, '')}`],
          { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
          (error, stdout) => resolve(error ? '' : stdout),
        );
      }),
  };
}
