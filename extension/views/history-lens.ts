// Past incidents on the lines their entries referenced: a CodeLens ("2 past incidents") at the first line of each
// referenced range, and a hover on every line of it with the entries' text and links.
import * as vscode from 'vscode';
import type { PastMention } from '../../core/use-cases/incident-history';
import { COMMANDS } from '../ids';
import type { PastIncidents } from '../past-incidents';

/** "1 past incident", "2 past incidents". */
export function pastIncidentsLabel(count: number): string {
  return `${count} past incident${count === 1 ? '' : 's'}`;
}

function incidentKey(m: PastMention): string {
  return `${m.incident.repo.owner}/${m.incident.repo.name}#${m.incident.number}`;
}

export class PastIncidentLens implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly past: PastIncidents) {
    this.subscription = past.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const found = this.past.mentionsFor(document.uri);
    if (!found || found.mentions.length === 0) return [];
    const byLine = new Map<number, PastMention[]>();
    for (const m of found.mentions) {
      if (m.range[0] > document.lineCount) continue;
      byLine.set(m.range[0], [...(byLine.get(m.range[0]) ?? []), m]);
    }
    return [...byLine.entries()].map(([line, mentions]) => {
      const incidents = new Set(mentions.map(incidentKey));
      const numbers = [...new Set(mentions.map((m) => `#${m.incident.number}`))].join(', ');
      return new vscode.CodeLens(new vscode.Range(line - 1, 0, line - 1, 0), {
        title: `$(history) ${pastIncidentsLabel(incidents.size)} (${numbers})`,
        tooltip: 'Resolved incidents whose timeline entries pointed at these lines',
        command: COMMANDS.showCodeMentions,
        arguments: [mentions],
      });
    });
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const found = this.past.mentionsFor(document.uri);
    const line = position.line + 1;
    const here = found?.mentions.filter((m) => m.range[0] <= line && line <= m.range[1]) ?? [];
    if (here.length === 0) return undefined;
    const markdown = new vscode.MarkdownString();
    markdown.appendMarkdown(`**${pastIncidentsLabel(new Set(here.map(incidentKey)).size)} on these lines**\n\n`);
    for (const m of here) {
      const { incident, entry } = m;
      const resolved = incident.timestamps.resolved?.slice(0, 10);
      markdown.appendMarkdown(`[#${incident.number}](${incident.url}) `);
      markdown.appendText(`${incident.title} (${incident.severity}${resolved ? `, resolved ${resolved}` : ''})`);
      markdown.appendMarkdown('\n\n> ');
      markdown.appendText(`${entry.kind} by @${entry.by}: ${entry.text.split('\n')[0] ?? ''}`);
      if (entry.url) markdown.appendMarkdown(` — [entry](${entry.url})`);
      markdown.appendMarkdown('\n\n');
    }
    return new vscode.Hover(markdown);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
