// `firebreak declare|log|update|severity|role|resolve|reopen|show|list|repair|retro`: thin wrappers over the core.
import { buildCodeRef, parseLineRange } from '../core/domain/code-ref';
import { FirebreakError, InputError } from '../core/domain/errors';
import {
  isLogKind,
  isMilestone,
  isUnacknowledged,
  LEAD,
  repoSlug,
  shownState,
  type Incident,
  type RepoRef,
  type TimelineEntry,
} from '../core/domain/incident';
import { formatTime, summarizeEntry, KIND_LABELS } from '../core/domain/render';
import type { IncidentContext } from '../core/use-cases/incident-context';
import { similarityReason } from '../core/domain/similar';
import { stringOption, type Command, type OptionValues, type RunContext } from './command';
import { headCommit, isPushed } from './git';
import { formatRef, parseIncidentRef, readTextFile, repositoryFile, type IncidentAddress } from './input';
import { AssignRole } from '../core/use-cases/assign-role';
import { CallBreak } from '../core/use-cases/call-break';
import { ChangeSeverity } from '../core/use-cases/change-severity';
import { DeclareIncident } from '../core/use-cases/declare-incident';
import { ListIncidents } from '../core/use-cases/list-incidents';
import { LogEntry } from '../core/use-cases/log-entry';
import { PostUpdate } from '../core/use-cases/post-update';
import { RepairIncident } from '../core/use-cases/repair-incident';
import { ResolveIncident } from '../core/use-cases/resolve-incident';
import { Retro } from '../core/use-cases/retro';
import { ShowIncident } from '../core/use-cases/show-incident';
import { SimilarIncidents } from '../core/use-cases/similar-incidents';

/** The incident a command names, and the service for its repository (`owner/name#N` keeps to that repository). */
interface Target {
  readonly address: IncidentAddress;
  readonly number: number;
  readonly service: IncidentContext;
  /** How to print the reference: `#12`, or `owner/name#12` outside the configured repository. */
  readonly ref: string;
}

async function target(ctx: RunContext, positionals: string[], usage: string): Promise<Target> {
  const address = parseIncidentRef(positionals[0], 'incident number', usage);
  const context = ctx.context();
  const service = await context.service(address.repo);
  return {
    address,
    number: address.number,
    service,
    ref: formatRef(address.repo ?? context.repo, address.number, context.repo),
  };
}

/**
 * Runs a command on an incident. A bare number that is no incident in the incident repository, but is one in the
 * private repository, is refused with the private reference: a private incident's entries must never land in the
 * public repository because its number was typed alone.
 */
async function onIncident<T>(ctx: RunContext, t: Target, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw (await privateHint(ctx, t, error)) ?? error;
  }
}

/** For commands that write without reading first (log, retro --post): check a bare number before writing. */
async function requirePublicIncident(ctx: RunContext, t: Target): Promise<void> {
  const context = ctx.context();
  if (t.address.repo || !context.privateGateway) return;
  await onIncident(ctx, t, async () => {
    const issue = await context.gateway.getIssue(t.number);
    if (!t.service.isIncidentIssue(issue))
      throw new InputError(
        `${repoSlug(context.repo)}#${t.number} is not an incident.`,
        `Incidents carry the "${context.config.labels.incident}" label.`,
      );
  });
}

async function privateHint(ctx: RunContext, t: Target, error: unknown): Promise<InputError | undefined> {
  const context = ctx.context();
  const privateGateway = context.privateGateway;
  if (t.address.repo || !privateGateway || !isNotAnIncident(error)) return undefined;
  const issue = await privateGateway.getIssue(t.number).catch(() => undefined);
  if (!issue || !t.service.isIncidentIssue(issue)) return undefined;
  const reference = `${repoSlug(privateGateway.repo)}#${t.number}`;
  return new InputError(
    `${repoSlug(context.repo)}#${t.number} is not an incident; ${reference} is (a private incident).`,
    `Name the private incident with its repository, e.g. \`firebreak show ${reference}\`; nothing was written.`,
  );
}

function isNotAnIncident(error: unknown): boolean {
  return (
    error instanceof FirebreakError &&
    (error.code === 'not-found' || error.code === 'not-an-incident' || /is not an incident/.test(error.message))
  );
}

/** Text from `--NAME` or `--NAME-file PATH` (`-` for stdin), for entries too long for a command line. */
async function textFrom(
  values: OptionValues,
  ctx: RunContext,
  name: string,
  fileName = `${name}-file`,
): Promise<string | undefined> {
  const text = stringOption(values, name);
  const file = stringOption(values, fileName);
  if (text !== undefined && file !== undefined) throw new InputError(`Give --${name} or --${fileName}, not both.`);
  return file === undefined ? text : readText(ctx, file, `--${fileName}`);
}

/** A file's text, or stdin's for `-`. */
function readText(ctx: RunContext, file: string, option: string): Promise<string> {
  const stdin = ctx.io.in;
  return readTextFile(file, ctx.cwd, async () => {
    if (!stdin) throw new InputError(`There is no stdin to read ${option} - from.`);
    return stdin();
  });
}

export function incidentJson(incident: Incident) {
  return {
    number: incident.number,
    url: incident.url,
    repository: `${incident.repo.owner}/${incident.repo.name}`,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    lead: shownState(incident.declaration, incident).roles[LEAD],
    roles: shownState(incident.declaration, incident).roles,
    unacknowledged: isUnacknowledged(incident),
    drill: incident.drill,
    private: incident.private,
    services: incident.services,
    timestamps: incident.timestamps,
    lastUpdate: incident.lastUpdate,
    ...(incident.timelineLoaded ? { timeline: incident.timeline } : {}),
  };
}

function printIncident(ctx: RunContext, incident: Incident, verb: string): void {
  const ref = formatRef(incident.repo, incident.number, ctx.context().repo);
  if (ctx.json) {
    ctx.io.out(
      JSON.stringify({
        number: incident.number,
        reference: `${repoSlug(incident.repo)}#${incident.number}`,
        url: incident.url,
        severity: incident.severity,
        status: incident.status,
        lead: incident.roles[LEAD],
      }),
    );
    return;
  }
  ctx.io.out(
    `${verb} ${ref}: ${incident.title} [${incident.severity}, ${incident.status}, ${leadText(incident)}]\n${incident.url}`,
  );
}

function entryLine(entry: TimelineEntry): string {
  const { label, icon } = KIND_LABELS[entry.kind];
  const destructive = 'destructive' in entry && entry.destructive ? ' ⚠️ destructive' : '';
  const code = 'code' in entry && entry.code ? `\n      ${entry.code.permalink}` : '';
  return `  ${formatTime(entry.at)}  ${icon} ${label}${destructive} (@${entry.by}): ${summarizeEntry(entry)}${code}`;
}

function leadText(incident: Incident): string {
  return isUnacknowledged(incident) ? 'unacknowledged, no lead' : `lead @${incident.roles[LEAD]}`;
}

/** The incident for a terminal; its reference is qualified (`owner/name#12`) outside `defaultRepo`. */
export function describeIncident(incident: Incident, defaultRepo: RepoRef = incident.repo): string {
  const roles = [
    ...(isUnacknowledged(incident) ? [`🔔 unacknowledged: no lead (firebreak role ${incident.number} lead @me)`] : []),
    ...Object.entries(shownState(incident.declaration, incident).roles).map(([role, login]) => `${role} @${login}`),
  ].join(', ');
  const lines = [
    `${formatRef(incident.repo, incident.number, defaultRepo)} ${incident.drill ? '[drill] ' : ''}${incident.title}`,
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
    'firebreak declare --title T [--severity S] [--lead LOGIN] [--description D | --description-file PATH|-] [--service NAME]... [--private] [--drill] [--force] [--public-title T]',
  options: {
    'public-title': { type: 'string' },
    title: { type: 'string', short: 't' },
    severity: { type: 'string', short: 's' },
    lead: { type: 'string' },
    description: { type: 'string', short: 'd' },
    'description-file': { type: 'string' },
    service: { type: 'string', multiple: true },
    private: { type: 'boolean' },
    drill: { type: 'boolean' },
    force: { type: 'boolean' },
  },
  async run(values, _positionals, ctx) {
    const title = stringOption(values, 'title');
    if (!title) throw new InputError('Missing --title.', `Usage: ${this.usage}`);
    const description = await textFrom(values, ctx, 'description');
    const context = ctx.context();
    const service = await context.service();
    // Only a private incident pays for this request: its repository must really be private.
    if (values['private'] === true) await context.requirePrivateRepository();
    const lead = stringOption(values, 'lead');
    const severity = stringOption(values, 'severity');
    const services = (values['service'] as string[] | undefined) ?? [];
    const draft = { title, services, private: values['private'] === true, drill: values['drill'] === true };
    // One team per incident: an active incident like this one is named, and declaring takes --force.
    if (values['force'] !== true) {
      const similar = await new SimilarIncidents(service).run(draft);
      if (similar.length > 0) {
        ctx.io.err(
          [
            `Not declared: ${similar.length === 1 ? 'an active incident looks' : `${similar.length} active incidents look`} like this one.`,
            ...similar.map(
              (c) =>
                `  ${formatRef(c.incident.repo, c.incident.number, ctx.context().repo)}  ${c.incident.title}  ` +
                `(${c.incident.severity}, lead @${c.incident.roles[LEAD] ?? c.incident.declaredBy}; ${similarityReason(c)})`,
            ),
            'Join it instead (firebreak log N --kind observation --text ...), or declare anyway with --force.',
          ].join('\n'),
        );
        if (ctx.json)
          ctx.io.out(
            JSON.stringify({
              declared: false,
              similar: similar.map((c) => ({
                number: c.incident.number,
                url: c.incident.url,
                title: c.incident.title,
                sharedServices: c.sharedServices,
                similarTitle: c.similarTitle,
              })),
            }),
          );
        return EXIT_SIMILAR;
      }
    }
    const publicTitle = stringOption(values, 'public-title');
    const incident = await new DeclareIncident(service).run({
      ...draft,
      ...(publicTitle ? { publicTitle } : {}),
      ...(severity ? { severity } : {}),
      ...(lead ? { lead } : {}),
      ...(description ? { description } : {}),
    });
    printIncident(ctx, incident, 'Declared');
  },
};

/** `declare` found active incidents like the new one and was not forced: nothing was declared. */
export const EXIT_SIMILAR = 3;

export const breakCommand: Command = {
  name: 'break',
  summary: 'Call a break for the team (recorded in the timeline and the retro)',
  usage: 'firebreak break N|owner/name#N [--minutes 15] [--text T]',
  options: { minutes: { type: 'string' }, text: { type: 'string', short: 'm' } },
  async run(values, positionals, ctx) {
    const t = await target(ctx, positionals, this.usage);
    const raw = stringOption(values, 'minutes');
    const minutes = raw === undefined ? undefined : Number(raw);
    if (minutes !== undefined && !Number.isInteger(minutes))
      throw new InputError(`--minutes ${raw} is not a whole number of minutes.`, 'e.g. --minutes 15');
    const text = stringOption(values, 'text');
    const entry = await onIncident(ctx, t, () =>
      new CallBreak(t.service).run(t.number, {
        ...(minutes !== undefined ? { minutes } : {}),
        ...(text ? { text } : {}),
      }),
    );
    ctx.io.out(
      ctx.json
        ? JSON.stringify({ url: entry.url, minutes: entry.kind === 'break' ? entry.minutes : undefined })
        : `Break recorded on ${t.ref}: ${summarizeEntry(entry)}. ${entry.url ?? ''}`,
    );
  },
};

export const logCommand: Command = {
  name: 'log',
  summary: 'Log an action, observation, decision, question or theory (one request)',
  usage:
    'firebreak log N|owner/name#N --kind action|observation|decision|question|theory --text T|--text-file PATH|- [--file PATH --lines A-B] [--destructive]',
  options: {
    kind: { type: 'string', short: 'k' },
    text: { type: 'string', short: 'm' },
    'text-file': { type: 'string' },
    file: { type: 'string' },
    lines: { type: 'string' },
    destructive: { type: 'boolean' },
  },
  async run(values, positionals, ctx) {
    const address = parseIncidentRef(positionals[0], 'incident number', this.usage);
    const kind = stringOption(values, 'kind') ?? 'action';
    if (!isLogKind(kind))
      throw new InputError(`Unknown --kind "${kind}".`, 'Use action, observation, decision, question or theory.');
    const text = await textFrom(values, ctx, 'text');
    if (!text?.trim()) throw new InputError('Missing --text (or --text-file).', `Usage: ${this.usage}`);
    const code = codeRefFrom(values, ctx);
    const t = await target(ctx, positionals, this.usage);
    await requirePublicIncident(ctx, t);
    const entry = await new LogEntry(t.service).run(address.number, {
      kind,
      text,
      ...(values['destructive'] === true ? { destructive: true } : {}),
      ...(code ? { code } : {}),
    });
    if (ctx.json)
      ctx.io.out(JSON.stringify({ key: entry.key, kind: entry.kind, url: entry.url, commentId: entry.commentId }));
    else ctx.io.out(`Logged ${entry.kind} on ${t.ref}: ${entry.url ?? ''}`);
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
  const [startLine, endLine] = parseLineRange(lines ?? '1');
  const { relativePath, text: fileText } = repositoryFile(context.root, ctx.cwd, file);
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
    path: relativePath,
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
  usage:
    'firebreak update N|owner/name#N --text T|--text-file PATH|- [--status investigating|identified|monitoring|resolved] [--public] [--public-title T]',
  options: {
    text: { type: 'string', short: 'm' },
    'text-file': { type: 'string' },
    status: { type: 'string' },
    public: { type: 'boolean' },
    'public-title': { type: 'string' },
  },
  async run(values, positionals, ctx) {
    parseIncidentRef(positionals[0], 'incident number', this.usage);
    const text = await textFrom(values, ctx, 'text');
    if (!text?.trim()) throw new InputError('Missing --text (or --text-file).', `Usage: ${this.usage}`);
    const status = stringOption(values, 'status');
    if (status !== undefined && !isMilestone(status))
      throw new InputError(`Unknown --status "${status}".`, 'Use investigating, identified, monitoring or resolved.');
    const t = await target(ctx, positionals, this.usage);
    const publicTitle = stringOption(values, 'public-title');
    const incident = await onIncident(ctx, t, () =>
      new PostUpdate(t.service).run(t.number, {
        text,
        ...(status ? { status } : {}),
        ...(values['public'] === true ? { public: true } : {}),
        ...(publicTitle ? { publicTitle } : {}),
      }),
    );
    printIncident(ctx, incident, values['public'] === true ? 'Published an update on' : 'Updated');
  },
};

export const severityCommand: Command = {
  name: 'severity',
  summary: 'Change the severity',
  usage: 'firebreak severity N|owner/name#N NAME [--reason TEXT]',
  options: { reason: { type: 'string' } },
  async run(values, positionals, ctx) {
    parseIncidentRef(positionals[0], 'incident number', this.usage);
    const name = positionals[1];
    if (!name) throw new InputError('Missing the severity name.', `Usage: ${this.usage}`);
    const reason = stringOption(values, 'reason');
    const t = await target(ctx, positionals, this.usage);
    const incident = await onIncident(ctx, t, () => new ChangeSeverity(t.service).run(t.number, name, reason));
    printIncident(ctx, incident, 'Severity set on');
  },
};

export const roleCommand: Command = {
  name: 'role',
  summary: 'Give a role to someone (a handoff when it was held)',
  usage: 'firebreak role N|owner/name#N ROLE LOGIN [--note TEXT]',
  options: { note: { type: 'string' } },
  async run(values, positionals, ctx) {
    parseIncidentRef(positionals[0], 'incident number', this.usage);
    const [, role, login] = positionals;
    if (!role || !login) throw new InputError('Missing ROLE or LOGIN.', `Usage: ${this.usage}`);
    const t = await target(ctx, positionals, this.usage);
    const incident = await onIncident(ctx, t, () =>
      new AssignRole(t.service).run(t.number, role, login, stringOption(values, 'note')),
    );
    printIncident(ctx, incident, `@${incident.roles[role.toLowerCase()] ?? login} is ${role} on`);
  },
};

export const resolveCommand: Command = {
  name: 'resolve',
  summary: 'Resolve the incident and close its issue',
  usage: 'firebreak resolve N|owner/name#N [--text T|--text-file PATH|-] [--public]',
  options: { text: { type: 'string', short: 'm' }, 'text-file': { type: 'string' }, public: { type: 'boolean' } },
  async run(values, positionals, ctx) {
    parseIncidentRef(positionals[0], 'incident number', this.usage);
    const text = await textFrom(values, ctx, 'text');
    const t = await target(ctx, positionals, this.usage);
    const incident = await onIncident(ctx, t, () =>
      new ResolveIncident(t.service).run(t.number, text, values['public'] === true ? { public: true } : {}),
    );
    printIncident(ctx, incident, 'Resolved');
  },
};

export const reopenCommand: Command = {
  name: 'reopen',
  summary: 'Reopen a resolved incident',
  usage: 'firebreak reopen N|owner/name#N [--text T|--text-file PATH|-]',
  options: { text: { type: 'string', short: 'm' }, 'text-file': { type: 'string' } },
  async run(values, positionals, ctx) {
    parseIncidentRef(positionals[0], 'incident number', this.usage);
    const text = await textFrom(values, ctx, 'text');
    const t = await target(ctx, positionals, this.usage);
    const incident = await onIncident(ctx, t, () => new ResolveIncident(t.service).reopen(t.number, text));
    printIncident(ctx, incident, 'Reopened');
  },
};

export const showCommand: Command = {
  name: 'show',
  summary: 'Show an incident folded from its timeline',
  usage: 'firebreak show N|owner/name#N [--json]',
  options: {},
  async run(_values, positionals, ctx) {
    const t = await target(ctx, positionals, this.usage);
    const incident = await onIncident(ctx, t, () => new ShowIncident(t.service).run(t.number));
    ctx.io.out(
      ctx.json ? JSON.stringify(incidentJson(incident), null, 2) : describeIncident(incident, ctx.context().repo),
    );
  },
};

export const listCommand: Command = {
  name: 'list',
  summary: 'List active incidents',
  usage: 'firebreak list [--json]',
  options: {},
  async run(_values, _positionals, ctx) {
    const incidents = await new ListIncidents(await ctx.context().service()).run();
    if (ctx.json) ctx.io.out(JSON.stringify(incidents.map(incidentJson), null, 2));
    else
      ctx.io.out(
        incidents.length
          ? incidents.map((i) => describeIncident(i, ctx.context().repo)).join('\n\n')
          : 'No active incidents.',
      );
  },
};

export const repairCommand: Command = {
  name: 'repair',
  summary: 'Recompute body, labels and assignees from the timeline',
  usage: 'firebreak repair N|owner/name#N',
  options: {},
  async run(_values, positionals, ctx) {
    const t = await target(ctx, positionals, this.usage);
    const { changed } = await onIncident(ctx, t, () => new RepairIncident(t.service).run(t.number));
    if (ctx.json) ctx.io.out(JSON.stringify({ number: t.number, changed }));
    else
      ctx.io.out(
        changed.length
          ? `Repaired ${t.ref}: rewrote ${changed.join(', ')}.`
          : `${t.ref} is consistent with its timeline; nothing to repair.`,
      );
  },
};

export const retroCommand: Command = {
  name: 'retro',
  summary: 'Draft the retro document (or post it with --post FILE)',
  usage: 'firebreak retro N|owner/name#N [--post FILE|- | --skip WHY]',
  options: { post: { type: 'string' }, skip: { type: 'string' } },
  async run(values, positionals, ctx) {
    const t = await target(ctx, positionals, this.usage);
    const file = stringOption(values, 'post');
    const skip = stringOption(values, 'skip');
    if (skip !== undefined) {
      if (file) throw new InputError('Give --post or --skip, not both.', `Usage: ${this.usage}`);
      const entry = await onIncident(ctx, t, () => new Retro(t.service).skip(t.number, skip));
      ctx.io.out(ctx.json ? JSON.stringify({ url: entry.url }) : `Recorded on ${t.ref} that no retro will be held.`);
      return;
    }
    if (!file) {
      ctx.io.out(await onIncident(ctx, t, () => new Retro(t.service).draft(t.number)));
      return;
    }
    const document = await readText(ctx, file, '--post');
    await requirePublicIncident(ctx, t);
    const entry = await new Retro(t.service).post(t.number, document);
    ctx.io.out(ctx.json ? JSON.stringify({ url: entry.url }) : `Posted the retro on ${t.ref}: ${entry.url ?? ''}`);
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
  breakCommand,
];
