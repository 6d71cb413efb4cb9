// The status bar item while an incident is current: severity, elapsed time and the countdown to the next update;
// a warning background when the update is overdue, and one reminder per due time offering "Post update".
import * as vscode from 'vscode';
import { defaultConfig, type FirebreakConfig } from '../../core/domain/config';
import { repoSlug } from '../../core/domain/incident';
import type { OfflineQueue } from '../../core/use-cases/offline-queue';
import { formatAge, statusBarView } from '../presentation';
import type { IncidentStore } from '../incident-store';
import { COMMANDS, STATUS_BAR_ID } from '../ids';

export interface StatusBarDeps {
  readonly store: IncidentStore;
  readonly queue: OfflineQueue;
  readonly config: () => FirebreakConfig | undefined;
  readonly remindersOn: () => boolean;
  readonly now?: () => Date;
}

const TICK_MS = 15_000;

export class IncidentStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 50);
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly reminded = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly deps: StatusBarDeps) {
    this.item.name = 'Firebreak: current incident';
    this.subscriptions = [deps.store.onDidChange(() => this.update()), deps.queue.onDidChange(() => this.update())];
    this.timer = setInterval(() => this.update(), TICK_MS);
    this.update();
  }

  update(): void {
    const incident = this.deps.store.current;
    if (!incident) {
      this.item.hide();
      return;
    }
    const config = this.deps.config() ?? defaultConfig();
    const now = (this.deps.now ?? (() => new Date()))();
    const pending = this.deps.queue.pendingFor(repoSlug(incident.repo), incident.number).length;
    const view = statusBarView(incident, config, now, pending);
    this.item.text = view.text;
    this.item.tooltip = new vscode.MarkdownString(view.tooltip);
    this.item.backgroundColor = view.overdue ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.command = { command: COMMANDS.postUpdate, title: 'Post update', arguments: [incident.number] };
    this.item.accessibilityInformation = {
      label: `Current incident ${incident.number}, ${incident.severity}, ${view.text.replace(/\$\([^)]*\)\s*/g, '')}`,
    };
    this.item.show();
    if (view.overdue && view.due) this.remind(incident.number, incident.title, view.due, now);
  }

  private remind(number: number, title: string, due: Date, now: Date): void {
    const key = `${number}@${due.toISOString()}`;
    if (!this.deps.remindersOn() || this.reminded.has(key)) return;
    this.reminded.add(key);
    void vscode.window
      .showWarningMessage(
        `The update on #${number} (${title}) is overdue by ${formatAge(now.getTime() - due.getTime())}.`,
        'Post update',
      )
      .then((choice) => (choice ? vscode.commands.executeCommand(COMMANDS.postUpdate, number) : undefined));
  }

  dispose(): void {
    clearInterval(this.timer);
    this.subscriptions.forEach((d) => d.dispose());
    this.item.dispose();
  }
}
