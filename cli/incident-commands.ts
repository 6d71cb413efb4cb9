// `firebreak declare|log|update|severity|role|resolve|reopen|show|list|repair|retro`: thin wrappers over the core.
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { buildCodeRef, parseLineRange } from '../core/domain/code-ref';
import { InputError } from '../core/domain/errors';
import { isLogKind, isMilestone, LEAD, type Incident, type TimelineEntry } from '../core/domain/incident';
import { formatTime, summarizeEntry, KIND_LABELS } from '../core/domain/render';
import { stringOption, type Command, type OptionValues, type RunContext } from './command';
import { headCommit, isPushed } from './git';

function incidentNumber(positionals: string[], usage: string): number {
  const raw = positionals[0];
  const number = Number(raw?.replace(/^#/, ''));
  if (!raw || !Number.isInteger(number) || number <= 0)
    throw new InputError(`Missing or invalid incident number${raw ? ` "${raw}"` : ''}.`, `Usage: ${usage}`);
  return number;
}

export function incidentJson(incident: Incident) {
  return {
    number: incident.number,
    url: incident.url,
    repository: `${incident.repo.owner}/${incident.repo.name}`,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    lead: incident.roles[LEAD],
    roles: incident.roles,
    drill: incident.drill,
    private: incident.private,
    services: incident.services,
    timestamps: incident.timestamps,
    lastUpdate: incident.lastUpdate,
    ...(incident.timelineLoaded ? { timeline: incident.timeline } : {}),
  };
}

function printIncident(ctx: RunContext, incident: Incident, verb: string): void {
  if (ctx.json) {
    ctx.io.out(
      JSON.stringify({
        number: incident.number,
        url: incident.url,
        severity: incident.severity,
        status: incident.status,
        lead: incident.roles[LEAD],
      }),
    );
    return;
  }
  ctx.io.out(
    `${verb} #${incident.number}: ${incident.title} [${incident.severity}, ${incident.status}, lead @${incident.roles[LEAD]}]\n${incident.url}`,
  );
}

function entryLine(entry: TimelineEntry): string {
  const { label, icon } = KIND_LABELS[entry.kind];
  const destructive = 'destructive' in entry && entry.destructive ? ' ⚠️ destructive' : '';
  const code = 'code' in entry && entry.code ? `\n      ${entry.code.permalink}` : '';
  return `  ${formatTime(entry.at)}  ${icon} ${label}${destructive} (@${entry.by}): ${summarizeEntry(entry)}${code}`;
}

export function describeIncident(incident: Incident): string {
  const roles = Object.entries(incident.roles)
    .map(([role, login]) => `${role} @${login}`)
    .join(', ');
  const lines = [
    `#${incident.number} ${incident.drill ? '[drill] ' : ''}${incident.title}`,
    `  ${incident.url}`,
    `  severity ${incident.severity} · status ${incident.status} · ${roles}`,
    `  declared ${formatTime(incident.timestamps.declared)} by @${incident.declaredBy}` +
      (incident.timestamps.mitigated ? ` · mitigated ${formatTime(incident.timestamps.mitigated)}` : '') +
      (incident.timestamps.resolved ? ` · resolved ${formatTime(incident.timestamps.resolved)}` : ''),
  ];
  if (incident.lastUpdate)
    lines.push(`  last update ${formatTime(incident.lastUpdate.at)}: ${incident.lastUpdate.text.split('\n')[0]}`);
  if (incident.timelineLoaded) {
    lines.push('', `Timeline (${incident.timeline.length} entries):`, ...incident.timeline.map(entryLine));
  }
  return lines.join('\n');
}

export const declareCommand: Command = {
  name: 'declare',
  summary: 'Declare an incident (one request)',
  usage:
    'firebreak declare --title T [--severity S] [--lead LOGIN] [--description D] [--service NAME]... [--private] [--drill]',
  options: {
    title: { type: 'string', short: 't' },
    severity: { type: 'string', short: 's' },
    lead: { type: 'string' },
    description: { type: 'string', short: 'd' },
    service: { type: 'string', multiple: true },
    private: { type: 'boolean' },
    drill: { type: 'boolean' },
  },
  async run(values, _positionals, ctx) {
    const title = stringOption(values, 'title');
    if (!title) throw new InputError('Missing --title.', `Usage: ${this.usage}`);
    const service = await ctx.context().service();
    const lead = stringOption(values, 'lead');
    const severity = stringOption(values, 'severity');
    const description = stringOption(values, 'description');
    const incident = await service.declare({
      title,
      ...(severity ? { severity } : {}),
      ...(lead ? { lead } : {}),
      ...(description ? { description } : {}),
      services: (values['service'] as string[] | undefined) ?? [],
      private: values['private'] === true,
      drill: values['drill'] === true,
    });
    printIncident(ctx, incident, 'Declared');
  },
};

export const logCommand: Command = {
  name: 'log',
  summary: 'Log an action, observation, decision, question or theory (one request)',
  usage:
    'firebreak log N --kind action|observation|decision|question|theory --text T [--file PATH --lines A-B] [--destructive]',
  options: {
    kind: { type: 'string', short: 'k' },
    text: { type: 'string', short: 'm' },
    file: { type: 'string' },
    lines: { type: 'string' },
    destructive: { type: 'boolean' },
  },
  async run(values, positionals, ctx) {
    const number = incidentNumber(positionals, this.usage);
    const kind = stringOption(values, 'kind') ?? 'action';
    if (!isLogKind(kind))
      throw new InputError(`Unknown --kind "${kind}".`, 'Use action, observation, decision, question or theory.');
    const text = stringOption(values, 'text');
    if (!text) throw new InputError('Missing --text.', `Usage: ${this.usage}`);
    const context = ctx.context();
    const code = codeRefFrom(values, ctx);
    const entry = await (
      await context.service()
    ).log(number, {
      kind,
      text,
      ...(values['destructive'] === true ? { destructive: true } : {}),
      ...(code ? { code } : {}),
    });
    if (ctx.json)
      ctx.io.out(JSON.stringify({ key: entry.key, kind: entry.kind, url: entry.url, commentId: entry.commentId }));
    else ctx.io.out(`Logged ${entry.kind} on #${number}: ${entry.url ?? ''}`);
  },
};

function codeRefFrom(values: OptionValues, ctx: RunContext) {
  const file = stringOption(values, 'file');
  const lines = stringOption(values, 'lines');
  if (!file) {
    if (lines) throw new InputError('--lines needs --file.');
    return undefined;
  }
  const context = ctx.context();
  const absolute = resolve(ctx.cwd, file);
  const [startLine, endLine] = parseLineRange(lines ?? '1');
  let fileText: string;
  try {
    fileText = readFileSync(absolute, 'utf8');
  } catch {
    throw new InputError(`Cannot read ${file}.`, 'Pass a file inside this repository.');
  }
  const commit = headCommit(context.root);
  if (!commit)
    throw new InputError('No git commit to link to.', 'Run inside a git repository with at least one commit.');
  if (!isPushed(context.root, commit))
    ctx.io.err(
      `warning: commit ${commit.slice(0, 7)} is not pushed; the permalink will not resolve for others until it is.`,
    );
  return buildCodeRef({
    repo: codeRepo(ctx),
    webUrl: context.webUrl,
    commit,
    path: relative(context.root, absolute),
    startLine,
    endLine,
    fileText,
  });
}

function codeRepo(ctx: RunContext) {
  // The code lives in the checkout's repository, which may differ from where incidents are kept.
  const context = ctx.context();
  return context.codeRepo ?? context.repo;
}

export const updateCommand: Command = {
  name: 'update',
  summary: 'Post a status update, optionally moving the milestone',
  usage: 'firebreak update N --text T [--status investigating|identified|monitoring|resolved]',
  options: { text: { type: 'string', short: 'm' }, status: { type: 'string' } },
  async run(values, positionals, ctx) {
    const number = incidentNumber(positionals, this.usage);
    const text = stringOption(values, 'text');
    if (!text) throw new InputError('Missing --text.', `Usage: ${this.usage}`);
    const status = stringOption(values, 'status');
    if (status !== undefined && !isMilestone(status))
      throw new InputError(`Unknown --status "${status}".`, 'Use investigating, identified, monitoring or resolved.');
    const incident = await (await ctx.context().service()).postUpdate(number, { text, ...(status ? { status } : {}) });
    printIncident(ctx, incident, 'Updated');
  },
};

export const severityCommand: Command = {
  name: 'severity',
  summary: 'Change the severity',
  usage: 'firebreak severity N NAME [--reason TEXT]',
  options: { reason: { type: 'string' } },
  async run(values, positionals, ctx) {
    const number = incidentNumber(positionals, this.usage);
    const name = positionals[1];
    if (!name) throw new InputError('Missing the severity name.', `Usage: ${this.usage}`);
    const reason = stringOption(values, 'reason');
    const incident = await (await ctx.context().service()).setSeverity(number, name, reason);
    printIncident(ctx, incident, 'Severity set on');
  },
};

export const roleCommand: Command = {
  name: 'role',
  summary: 'Give a role to someone (a handoff when it was held)',
  usage: 'firebreak role N ROLE LOGIN [--note TEXT]',
  options: { note: { type: 'string' } },
  async run(values, positionals, ctx) {
    const number = incidentNumber(positionals, this.usage);
    const [, role, login] = positionals;
    if (!role || !login) throw new InputError('Missing ROLE or LOGIN.', `Usage: ${this.usage}`);
    const incident = await (
      await ctx.context().service()
    ).assignRole(number, role, login, stringOption(values, 'note'));
    printIncident(ctx, incident, `@${incident.roles[role.toLowerCase()] ?? login} is ${role} on`);
  },
};

export const resolveCommand: Command = {
  name: 'resolve',
  summary: 'Resolve the incident and close its issue',
  usage: 'firebreak resolve N [--text T]',
  options: { text: { type: 'string', short: 'm' } },
  async run(values, positionals, ctx) {
    const number = incidentNumber(positionals, this.usage);
    const incident = await (await ctx.context().service()).resolve(number, stringOption(values, 'text'));
    printIncident(ctx, incident, 'Resolved');
  },
};

export const reopenCommand: Command = {
  name: 'reopen',
  summary: 'Reopen a resolved incident',
  usage: 'firebreak reopen N [--text T]',
  options: { text: { type: 'string', short: 'm' } },
  async run(values, positionals, ctx) {
    const number = incidentNumber(positionals, this.usage);
    const incident = await (await ctx.context().service()).reopen(number, stringOption(values, 'text'));
    printIncident(ctx, incident, 'Reopened');
  },
};

export const showCommand: Command = {
  name: 'show',
  summary: 'Show an incident folded from its timeline',
  usage: 'firebreak show N [--json]',
  options: {},
  async run(_values, positionals, ctx) {
    const incident = await (await ctx.context().service()).show(incidentNumber(positionals, this.usage));
    ctx.io.out(ctx.json ? JSON.stringify(incidentJson(incident), null, 2) : describeIncident(incident));
  },
};

export const listCommand: Command = {
  name: 'list',
  summary: 'List active incidents',
  usage: 'firebreak list [--json]',
  options: {},
  async run(_values, _positionals, ctx) {
    const incidents = await (await ctx.context().service()).listActive();
    if (ctx.json) ctx.io.out(JSON.stringify(incidents.map(incidentJson), null, 2));
    else ctx.io.out(incidents.length ? incidents.map(describeIncident).join('\n\n') : 'No active incidents.');
  },
};

export const repairCommand: Command = {
  name: 'repair',
  summary: 'Recompute body, labels and assignees from the timeline',
  usage: 'firebreak repair N',
  options: {},
  async run(_values, positionals, ctx) {
    const number = incidentNumber(positionals, this.usage);
    const { incident, changed } = await (await ctx.context().service()).repair(number);
    if (ctx.json) ctx.io.out(JSON.stringify({ number, changed }));
    else
      ctx.io.out(
        changed.length
          ? `Repaired #${incident.number}: rewrote ${changed.join(', ')}.`
          : `#${incident.number} is consistent with its timeline; nothing to repair.`,
      );
  },
};

export const retroCommand: Command = {
  name: 'retro',
  summary: 'Draft the retro document (or post it with --post FILE)',
  usage: 'firebreak retro N [--post FILE]',
  options: { post: { type: 'string' } },
  async run(values, positionals, ctx) {
    const number = incidentNumber(positionals, this.usage);
    const service = await ctx.context().service();
    const file = stringOption(values, 'post');
    if (!file) {
      ctx.io.out(await service.draftRetro(number));
      return;
    }
    const entry = await service.postRetro(number, readFileSync(resolve(ctx.cwd, file), 'utf8'));
    ctx.io.out(ctx.json ? JSON.stringify({ url: entry.url }) : `Posted the retro on #${number}: ${entry.url ?? ''}`);
  },
};

export const incidentCommands: readonly Command[] = [
  declareCommand,
  logCommand,
  updateCommand,
  severityCommand,
  roleCommand,
  resolveCommand,
  reopenCommand,
  showCommand,
  listCommand,
  repairCommand,
  retroCommand,
];
