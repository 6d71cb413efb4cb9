// The Incidents tree: active incidents → roster, latest update, entries waiting to be delivered, and the timeline
// (newest first) whose code links open the file at the line.
import * as vscode from 'vscode';
import type { FirebreakConfig, RoleConfig } from '../../core/domain/config';
import { defaultConfig } from '../../core/domain/config';
import {
  isUnacknowledged,
  LEAD,
  repoSlug,
  type CodeRef,
  type Incident,
  type TimelineEntry,
} from '../../core/domain/incident';
import type { OfflineQueue, QueuedWrite } from '../../core/use-cases/offline-queue';
import { formatTime, KIND_LABELS } from '../../core/domain/render';
import type { IncidentStore } from '../incident-store';
import type { RetroDueRow } from '../../core/use-cases/people-reminders';
import {
  elapsed,
  entryDescription,
  entryIcon,
  entryLabel,
  escapeMarkdown,
  formatAge,
  incidentDescription,
  oneLine,
  pendingDescription,
  pendingLabel,
  roleHolderText,
  severityIcon,
  updateCountdown,
  unacknowledgedFirst,
  type IconSpec,
} from '../presentation';
import { COMMANDS, VIEW_ITEMS } from '../ids';
import type { WhatChanged, WhatChangedNode } from './what-changed';

export type TreeNode =
  | { readonly type: 'incident'; readonly incident: Incident }
  | { readonly type: 'roster'; readonly incident: Incident }
  | { readonly type: 'role'; readonly incident: Incident; readonly role: RoleConfig }
  | { readonly type: 'update'; readonly incident: Incident }
  | { readonly type: 'timeline'; readonly incident: Incident }
  | { readonly type: 'entry'; readonly incident: Incident; readonly entry: TimelineEntry }
  | { readonly type: 'code'; readonly incident: Incident; readonly code: CodeRef }
  | { readonly type: 'pending-group'; readonly incident?: Incident; readonly items: readonly QueuedWrite[] }
  | { readonly type: 'pending'; readonly item: QueuedWrite }
  | { readonly type: 'message'; readonly text: string; readonly icon: string }
  | { readonly type: 'retros'; readonly rows: readonly RetroDueRow[] }
  | { readonly type: 'retro'; readonly row: RetroDueRow }
  | WhatChangedNode;

export interface TreeDeps {
  readonly store: IncidentStore;
  readonly queue: OfflineQueue;
  readonly config: () => FirebreakConfig | undefined;
  /** Loads a timeline that is not loaded yet (no request when not signed in). */
  readonly loadTimeline: (incident: Incident) => void;
  readonly now?: () => Date;
  /** "What changed" under the current incident (absent: not shown). */
  readonly whatChanged?: WhatChanged;
}

export class IncidentsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly deps: TreeDeps) {
    this.subscriptions.push(
      ...(deps.whatChanged ? [deps.whatChanged.onDidChange(() => this.refresh())] : []),
      deps.store.onDidChange(() => this.refresh()),
      deps.queue.onDidChange(() => this.refresh()),
    );
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
    this.changed.dispose();
  }

  private get now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  private get config(): FirebreakConfig {
    return this.deps.config() ?? defaultConfig();
  }

  getChildren(node?: TreeNode): TreeNode[] {
    const { store, queue } = this.deps;
    if (!node) {
      // Incidents from alerts that nobody has taken come first: someone has to.
      const incidents = unacknowledgedFirst(store.incidents);
      const shown = new Set(incidents.map((i) => `${repoSlug(i.repo)}#${i.number}`));
      const orphans = queue.pending.filter((item) => !shown.has(`${item.repo}#${item.issue}`));
      // An empty tree shows the welcome content (signed out, loading, or no incidents).
      const retros = store.retrosDue.filter((r) => r.stage !== 'pending');
      return [
        ...incidents.map((incident) => ({ type: 'incident' as const, incident })),
        ...(orphans.length ? [{ type: 'pending-group' as const, items: orphans }] : []),
        ...(retros.length ? [{ type: 'retros' as const, rows: retros }] : []),
      ];
    }
    switch (node.type) {
      case 'incident': {
        const pending = queue.pendingFor(repoSlug(node.incident.repo), node.incident.number);
        return [
          { type: 'roster', incident: node.incident },
          { type: 'update', incident: node.incident },
          ...(this.deps.whatChanged && store.current?.number === node.incident.number
            ? [{ type: 'changes' as const, incident: node.incident }]
            : []),
          ...(pending.length ? [{ type: 'pending-group' as const, incident: node.incident, items: pending }] : []),
          { type: 'timeline', incident: node.incident },
        ];
      }
      case 'roster': {
        const roles = [...this.config.roles];
        for (const role of Object.keys(node.incident.roles)) {
          if (!roles.some((r) => r.name === role)) roles.push({ name: role, description: '' });
        }
        return roles.map((role) => ({ type: 'role', incident: node.incident, role }));
      }
      case 'timeline': {
        const detail = store.detail(node.incident.number);
        if (!detail) {
          this.deps.loadTimeline(node.incident);
          return [{ type: 'message', text: 'Loading the timeline…', icon: 'loading~spin' }];
        }
        if (detail.timeline.length === 0) return [{ type: 'message', text: 'Nothing logged yet', icon: 'info' }];
        return [...detail.timeline].reverse().map((entry) => ({ type: 'entry', incident: detail, entry }));
      }
      case 'entry':
        return 'code' in node.entry && node.entry.code
          ? [{ type: 'code', incident: node.incident, code: node.entry.code }]
          : [];
      case 'pending-group':
        return node.items.map((item) => ({ type: 'pending', item }));
      case 'retros':
        return node.rows.map((row) => ({ type: 'retro', row }));
      case 'changes':
      case 'suspect': {
        const found = this.deps.whatChanged?.children(node) ?? [];
        return Array.isArray(found) ? found : [{ type: 'message', text: found.message, icon: found.icon }];
      }
      default:
        return [];
    }
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.type) {
      case 'incident':
        return this.incidentItem(node.incident);
      case 'roster': {
        const item = new vscode.TreeItem('Roster', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${idOf(node.incident)}/roster`;
        item.description = `lead ${roleHolderText(node.incident.roles[LEAD])}`;
        item.iconPath = new vscode.ThemeIcon('organization');
        return item;
      }
      case 'role': {
        const holder = node.incident.roles[node.role.name];
        const item = new vscode.TreeItem(capitalize(node.role.name), vscode.TreeItemCollapsibleState.None);
        item.id = `${idOf(node.incident)}/role/${node.role.name}`;
        item.description = roleHolderText(holder);
        item.tooltip = node.role.description || undefined;
        item.iconPath = new vscode.ThemeIcon(holder ? 'person' : 'person-add');
        item.contextValue = VIEW_ITEMS.role;
        return item;
      }
      case 'update':
        return this.updateItem(node.incident);
      case 'timeline': {
        const detail = this.deps.store.detail(node.incident.number);
        const item = new vscode.TreeItem('Timeline', vscode.TreeItemCollapsibleState.Expanded);
        item.id = `${idOf(node.incident)}/timeline`;
        if (detail)
          item.description = `${detail.timeline.length} entr${detail.timeline.length === 1 ? 'y' : 'ies'}, newest first`;
        item.iconPath = new vscode.ThemeIcon('history');
        return item;
      }
      case 'entry':
        return this.entryItem(node.incident, node.entry);
      case 'code': {
        const lines =
          node.code.startLine === node.code.endLine
            ? `${node.code.startLine}`
            : `${node.code.startLine}-${node.code.endLine}`;
        const item = new vscode.TreeItem(`${node.code.path}:${lines}`, vscode.TreeItemCollapsibleState.None);
        item.description = `at ${node.code.commit.slice(0, 7)}`;
        item.iconPath = new vscode.ThemeIcon('file-code');
        item.tooltip = `Open ${node.code.path} at line ${node.code.startLine} (permalink: ${node.code.permalink})`;
        item.command = { command: COMMANDS.openCodeRef, title: 'Open the code', arguments: [node.code] };
        item.contextValue = VIEW_ITEMS.codeRef;
        return item;
      }
      case 'pending-group': {
        const failed = node.items.filter((i) => i.failed).length;
        const item = new vscode.TreeItem(
          node.incident ? 'Waiting to be delivered' : 'Entries waiting to be delivered',
          vscode.TreeItemCollapsibleState.Expanded,
        );
        item.id = node.incident ? `${idOf(node.incident)}/pending` : 'pending';
        item.description = `${node.items.length}${failed ? ` (${failed} rejected)` : ''}`;
        item.iconPath = themeIcon({
          id: failed ? 'warning' : 'cloud-upload',
          ...(failed ? { color: 'list.warningForeground' } : {}),
        });
        item.tooltip = 'Saved on this machine; delivered in order, once, when GitHub answers again.';
        return item;
      }
      case 'pending': {
        const item = new vscode.TreeItem(pendingLabel(node.item), vscode.TreeItemCollapsibleState.None);
        item.id = `pending/${node.item.key}`;
        item.description = pendingDescription(node.item);
        item.iconPath = themeIcon(
          node.item.failed ? { id: 'error', color: 'list.errorForeground' } : { id: 'cloud-upload' },
        );
        item.tooltip = new vscode.MarkdownString(
          [
            `**${node.item.write.type === 'update' ? 'Update' : KIND_LABELS[node.item.write.kind].label}** for #${node.item.issue} (${escapeMarkdown(node.item.title)}), written ${formatTime(node.item.at)}`,
            escapeMarkdown(node.item.write.text),
            node.item.failed
              ? `GitHub rejected it: ${escapeMarkdown(node.item.failed)}`
              : node.item.lastError
                ? `Last try: ${escapeMarkdown(node.item.lastError)}`
                : '',
          ]
            .filter(Boolean)
            .join('\n\n'),
        );
        item.contextValue = node.item.failed ? VIEW_ITEMS.failedPending : VIEW_ITEMS.pending;
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        return item;
      }
      case 'retros': {
        const item = new vscode.TreeItem('Retros due', vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'retros';
        item.description = `${node.rows.length}`;
        item.iconPath = new vscode.ThemeIcon('notebook');
        item.contextValue = VIEW_ITEMS.retrosDue;
        item.tooltip = 'Resolved incidents whose retro is due: hold it while memory is fresh, or skip it and say why.';
        return item;
      }
      case 'changes':
      case 'suspect':
      case 'suspect-file':
        return this.deps.whatChanged?.item(node) ?? new vscode.TreeItem('');
      case 'retro': {
        const { row } = node;
        const overdue = row.stage === 'overdue';
        const item = new vscode.TreeItem(`#${row.number} ${row.title}`, vscode.TreeItemCollapsibleState.None);
        item.id = `retro/${row.number}`;
        item.description = `${overdue ? 'overdue since' : 'due'} ${formatTime(row.dueAt)} · lead @${row.lead}`;
        item.iconPath = themeIcon({
          id: overdue ? 'warning' : 'notebook',
          ...(overdue ? { color: 'list.warningForeground' } : {}),
        });
        item.tooltip = `Resolved ${formatTime(row.resolvedAt)} (${row.severity}). Start Retro drafts it; Skip Retro records why not.`;
        item.command = { command: COMMANDS.startRetro, title: 'Start retro', arguments: [row.number] };
        item.contextValue = VIEW_ITEMS.retroDue;
        return item;
      }
    }
  }

  private incidentItem(incident: Incident): vscode.TreeItem {
    const current = this.deps.store.currentNumber === incident.number;
    const item = new vscode.TreeItem(
      incident.title,
      current ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = idOf(incident);
    item.description = `${incidentDescription(incident, this.now)}${current ? ' · current' : ''}`;
    item.iconPath = themeIcon(severityIcon(incident, this.config));
    const waiting = isUnacknowledged(incident);
    item.contextValue = current
      ? waiting
        ? VIEW_ITEMS.currentUnacknowledgedIncident
        : VIEW_ITEMS.currentIncident
      : waiting
        ? VIEW_ITEMS.unacknowledgedIncident
        : VIEW_ITEMS.incident;
    const tooltip = new vscode.MarkdownString(
      [
        `**#${incident.number} ${escapeMarkdown(incident.title)}**${incident.drill ? ' (drill)' : ''}`,
        `Severity **${incident.severity}** · status **${incident.status}** · ${elapsed(incident, this.now)} since declared`,
        waiting ? `Declared from an alert; **nobody has taken the lead yet** (Take Lead).` : '',
        Object.entries(incident.roles)
          .map(([role, login]) => `${capitalize(role)} @${login}`)
          .join(' · '),
        incident.description ? escapeMarkdown(oneLine(incident.description, 300)) : '',
        `[Open on GitHub](${incident.url})`,
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
    tooltip.isTrusted = false;
    item.tooltip = tooltip;
    return item;
  }

  private updateItem(incident: Incident): vscode.TreeItem {
    const countdown = updateCountdown(incident, this.config, this.now);
    const last = incident.lastUpdate;
    const item = new vscode.TreeItem(
      last ? oneLine(last.text, 80) : 'No update posted yet',
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = `${idOf(incident)}/update`;
    item.description = [last ? `${formatAge(this.now.getTime() - Date.parse(last.at))} ago` : undefined, countdown.text]
      .filter(Boolean)
      .join(' · ');
    item.iconPath = themeIcon({
      id: countdown.overdue ? 'warning' : 'megaphone',
      ...(countdown.overdue ? { color: 'list.warningForeground' } : {}),
    });
    item.tooltip = new vscode.MarkdownString(
      [
        last ? `**Latest update** by @${last.by}, ${formatTime(last.at)}` : '**No update posted yet**',
        last ? escapeMarkdown(last.text) : '',
        countdown.due ? `Next update due ${formatTime(countdown.due.toISOString())}` : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
    item.contextValue = VIEW_ITEMS.latestUpdate;
    return item;
  }

  private entryItem(incident: Incident, entry: TimelineEntry): vscode.TreeItem {
    const hasCode = 'code' in entry && entry.code !== undefined;
    const item = new vscode.TreeItem(
      entryLabel(entry),
      hasCode ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `${idOf(incident)}/entry/${entry.key}`;
    item.description = entryDescription(entry);
    item.iconPath = themeIcon(entryIcon(entry));
    const text = 'text' in entry && typeof entry.text === 'string' ? entry.text : '';
    const destructive = 'destructive' in entry && entry.destructive ? ' · ⚠️ destructive' : '';
    item.tooltip = new vscode.MarkdownString(
      [
        `**${KIND_LABELS[entry.kind].label}**${destructive} by @${entry.by}, ${formatTime(entry.at)}`,
        escapeMarkdown(text),
        entry.url ? `[Open on GitHub](${entry.url})` : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
    item.contextValue = VIEW_ITEMS.entry;
    return item;
  }
}

function idOf(incident: Incident): string {
  return `incident/${repoSlug(incident.repo)}#${incident.number}`;
}

function themeIcon(spec: IconSpec): vscode.ThemeIcon {
  return new vscode.ThemeIcon(spec.id, spec.color ? new vscode.ThemeColor(spec.color) : undefined);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The incident number of a "Retros due" item. */
export function retroOfNode(node: unknown): number | undefined {
  if (node && typeof node === 'object' && (node as { type?: unknown }).type === 'retro')
    return (node as { row: RetroDueRow }).row.number;
  return undefined;
}

/** The incident a tree node belongs to (for context-menu commands). */
export function incidentOfNode(node: unknown): Incident | number | undefined {
  if (typeof node === 'number') return node;
  const retro = retroOfNode(node);
  if (retro !== undefined) return retro;
  if (node && typeof node === 'object' && 'incident' in node) {
    const incident = (node as { incident?: Incident }).incident;
    if (incident && typeof incident === 'object' && 'number' in incident) return incident;
  }
  return undefined;
}
