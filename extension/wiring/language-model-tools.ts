// Language model tools for agent mode: read the current incident, search past incidents for the selected code, and
// log an entry with the selection, which always asks the person first (the tool's confirmation message).
import * as vscode from 'vscode';
import { repoSlug, type Incident, type LogKind } from '../../core/domain/incident';
import { overlaps } from '../../core/domain/line-map';
import type { FlowContext } from '../flows/context';
import { describeAgentLog, logForAgent } from '../flows/log-entry';
import { LM_TOOLS } from '../ids';
import { describeSuspects } from '../flows/suspects';
import { GitCli } from '../../core/git-cli';
import { suspectsFor } from '../../core/use-cases/suspects';
import type { PastIncidents } from '../past-incidents';
import { ShowIncident } from '../../core/use-cases/show-incident';

export interface ToolsDeps {
  readonly flows: FlowContext;
  readonly past: PastIncidents;
  readonly log: vscode.LogOutputChannel;
}

function result(text: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
}

function describeIncident(incident: Incident): string {
  const roles = Object.entries(incident.roles)
    .map(([role, login]) => `${role} @${login}`)
    .join(', ');
  const lines = [
    `Incident #${incident.number} in ${repoSlug(incident.repo)}: ${incident.title}`,
    `Severity ${incident.severity}, status ${incident.status}, declared ${incident.timestamps.declared}; ${roles}.`,
    incident.url,
  ];
  if (incident.description) lines.push('', incident.description);
  if (incident.lastUpdate) lines.push('', `Last update (${incident.lastUpdate.at}): ${incident.lastUpdate.text}`);
  const recent = incident.timeline.slice(-20);
  if (recent.length > 0) {
    lines.push('', `Latest ${recent.length} timeline entries:`);
    for (const entry of recent) {
      const text = 'text' in entry && entry.text ? entry.text.split('\n')[0] : '';
      const code =
        'code' in entry && entry.code ? ` [${entry.code.path}:${entry.code.startLine}-${entry.code.endLine}]` : '';
      lines.push(`- ${entry.at} ${entry.kind} by @${entry.by}: ${text ?? ''}${code}`);
    }
  }
  return lines.join('\n');
}

const currentIncident: (deps: ToolsDeps) => vscode.LanguageModelTool<Record<string, never>> = ({ flows }) => ({
  prepareInvocation: () => ({ invocationMessage: 'Reading the current incident' }),
  async invoke() {
    const current = flows.store.current;
    if (!current) {
      const active = flows.store.incidents.map((i) => `#${i.number} ${i.title} (${i.severity}, ${i.status})`);
      return result(
        active.length > 0
          ? `No incident is selected as current. Active incidents: ${active.join('; ')}.`
          : 'No incident is selected as current, and none is active as far as the Incidents view knows.',
      );
    }
    const session = current.timelineLoaded ? undefined : await flows.session();
    const incident = session ? await flows.store.loadDetail(session, current.number).catch(() => current) : current;
    return result(describeIncident(incident));
  },
});

interface HistoryInput {
  readonly path?: string;
  readonly startLine?: number;
  readonly endLine?: number;
}

const incidentHistory: (deps: ToolsDeps) => vscode.LanguageModelTool<HistoryInput> = ({ past }) => ({
  prepareInvocation: () => ({ invocationMessage: 'Looking for past incidents on this code' }),
  async invoke(options) {
    const editor = vscode.window.activeTextEditor;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = options.input.path
      ? folder
        ? vscode.Uri.joinPath(folder, options.input.path)
        : undefined
      : editor?.document.uri;
    if (!uri) return result('Open a file (or name one with `path`) to look for past incidents on it.');
    const found = await past.mentionsNow(uri);
    if (!found) return result('The file is not in a git repository with a GitHub remote; no history to search.');
    const selection = editor && !options.input.path ? editor.selection : undefined;
    const start = options.input.startLine ?? (selection ? selection.start.line + 1 : undefined);
    const end = options.input.endLine ?? (selection ? selection.end.line + 1 : start);
    const mentions =
      start !== undefined ? found.mentions.filter((m) => overlaps(m.range, [start, end ?? start])) : found.mentions;
    if (mentions.length === 0)
      return result(`No resolved incident's entries point at ${found.path}${start ? `:${start}-${end}` : ''}.`);
    return result(
      mentions
        .map(
          (m) =>
            `Incident #${m.incident.number} "${m.incident.title}" (${m.incident.severity}, resolved ` +
            `${m.incident.timestamps.resolved ?? '?'}) at ${m.path}:${m.range[0]}-${m.range[1]}: ${m.entry.kind} ` +
            `by @${m.entry.by}: ${m.entry.text.split('\n')[0] ?? ''} (${m.entry.url ?? m.incident.url})`,
        )
        .join('\n'),
    );
  },
});

interface LogInput {
  readonly text: string;
  readonly kind?: LogKind;
  readonly linkSelection?: boolean;
}

const logEntry: (deps: ToolsDeps) => vscode.LanguageModelTool<LogInput> = ({ flows }) => ({
  // Always asks: an entry on an incident is read by everyone working it, and it cannot be taken back.
  async prepareInvocation(options) {
    const planned = await describeAgentLog(flows, options.input);
    // Nothing would be written (no current incident, empty text): invoke only explains why.
    if (typeof planned === 'string') return { invocationMessage: planned };
    const message = new vscode.MarkdownString();
    message.appendText(`${planned.kind} on #${planned.incident.number} ${planned.incident.title}`);
    if (planned.where) message.appendText(`, linked to ${planned.where}`);
    message.appendMarkdown('\n\n> ');
    message.appendText(planned.text);
    return {
      invocationMessage: `Logging a ${planned.kind} on #${planned.incident.number}`,
      confirmationMessages: { title: `Log a ${planned.kind} on incident #${planned.incident.number}?`, message },
    };
  },
  async invoke(options) {
    return result(await logForAgent(flows, options.input));
  },
});

const suspectsTool: (deps: ToolsDeps) => vscode.LanguageModelTool<{ environment?: string }> = ({ flows }) => ({
  prepareInvocation: () => ({ invocationMessage: 'Looking for what changed before the incident' }),
  async invoke(options) {
    const session = await flows.session();
    const current = flows.store.current;
    if (!session?.connection || !current) return result('No incident is selected as current: select one first.');
    const incident = current.timelineLoaded ? current : await new ShowIncident(session.service).run(current.number);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const found = await suspectsFor(session.connection, {
      ...(folder?.scheme === 'file' ? { local: new GitCli(folder.fsPath) } : {}),
    }).run({ incident, ...(options.input.environment ? { environment: options.input.environment } : {}) });
    return result(describeSuspects(found));
  },
});

/** Registers the tools where the host has the API (VS Code 1.95+); elsewhere there is nothing to register. */
export function registerLanguageModelTools(deps: ToolsDeps): vscode.Disposable[] {
  const lm = (vscode as { lm?: Partial<typeof vscode.lm> }).lm;
  if (typeof lm?.registerTool !== 'function') {
    deps.log.info('language model tools are not available in this editor; the Firebreak tools are off');
    return [];
  }
  return [
    lm.registerTool(LM_TOOLS.currentIncident, currentIncident(deps)),
    lm.registerTool(LM_TOOLS.incidentHistory, incidentHistory(deps)),
    lm.registerTool(LM_TOOLS.logEntry, logEntry(deps)),
    lm.registerTool(LM_TOOLS.suspects, suspectsTool(deps)),
  ];
}
