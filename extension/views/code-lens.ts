// CodeLens on lines that active incidents' entries point at ("2 incident entries"); choosing it lists them.
import * as vscode from 'vscode';
import {
  indexCodeMentions,
  mentionCountLabel,
  type CodeMention,
  type LineMentions,
} from '../../core/domain/code-index';
import type { IncidentStore } from '../incident-store';
import type { GitFacts } from '../git';
import { COMMANDS } from '../ids';

export class IncidentCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private index: Map<string, LineMentions[]> | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly store: IncidentStore,
    private readonly git: GitFacts,
  ) {
    this.subscription = store.onDidChange(() => {
      this.index = undefined;
      this.changed.fire();
    });
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const incidents = this.store.detailed;
    if (incidents.length === 0) return [];
    this.index ??= indexCodeMentions(incidents);
    const path = this.git.relativePath(this.git.repositoryForNow(document.uri), document.uri);
    const lines = path ? this.index.get(path) : undefined;
    if (!lines) return [];
    return lines
      .filter((l) => l.line <= document.lineCount)
      .map((l) => {
        const range = new vscode.Range(l.line - 1, 0, l.line - 1, 0);
        const numbers = [...new Set(l.mentions.map((m) => `#${m.incident.number}`))].join(', ');
        return new vscode.CodeLens(range, {
          title: `$(flame) ${mentionCountLabel(l.mentions.length)} (${numbers})`,
          tooltip: 'Timeline entries of active incidents that point at these lines',
          command: COMMANDS.showCodeMentions,
          arguments: [l.mentions],
        });
      });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** Lists the entries behind a CodeLens; the chosen one opens on GitHub. */
export async function showCodeMentions(mentions: readonly CodeMention[]): Promise<void> {
  const picked = await vscode.window.showQuickPick(
    mentions.map((m) => ({
      label: m.entry.text.split('\n')[0] ?? '',
      description: `#${m.incident.number} · ${m.entry.kind}${m.entry.destructive ? ' · destructive' : ''} · @${m.entry.by}`,
      detail: m.incident.title,
      mention: m,
    })),
    { title: 'Incident entries on these lines', placeHolder: 'Open an entry on GitHub' },
  );
  const url = picked?.mention.entry.url ?? picked?.mention.incident.url;
  if (url) await vscode.env.openExternal(vscode.Uri.parse(url));
}
