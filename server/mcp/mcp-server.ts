// Firebreak as a Model Context Protocol server (the official SDK): read tools always, write tools only when writes
// are allowed (then they are not listed at all otherwise), each incident's timeline as a resource. Every tool goes
// through the AgentPort, i.e. the same use cases, trust checks and hash chain as a person's command; failures come
// back as tool results with `isError` and a sentence the model can act on, never as protocol errors.
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { parseLineRange } from '../../core/domain/code-ref';
import { describeError } from '../../core/domain/errors';
import { LOG_KINDS, repoSlug, type Milestone } from '../../core/domain/incident';
import type { AgentPort } from './agent-port';
import {
  detailOf,
  entryOf,
  incidentDetailShape,
  incidentSummary,
  incidentText,
  quoted,
  QUOTE_NOTE,
  summaryLine,
  summaryOf,
  timelineEntry,
} from './incident-content';

const deploy = z.object({ sha: z.string(), deployedAt: z.string() }).nullable();
const suspectsShape = {
  incident: z.number().int(),
  environment: z.string().nullable(),
  repository: z.string().describe('owner/name where the deployments were read'),
  lastGood: deploy,
  deployed: deploy,
  suspects: z.array(
    z.object({
      sha: z.string(),
      message: z.string().describe('quoted incident content: the commit message'),
      author: z.string(),
      pr: z.object({ number: z.number(), title: z.string(), url: z.string(), author: z.string() }).nullable(),
      files: z.array(z.string()),
      score: z.number(),
      reasons: z.array(z.string()),
    }),
  ),
  note: z.string().optional().describe('why there are no suspects'),
};

export const SERVER_NAME = 'firebreak';
export const SERVER_VERSION = '0.1.0';

export interface McpOptions {
  /** Adds declare_incident, log_entry and post_update. */
  readonly writes: boolean;
}

export const READ_TOOLS = ['list_incidents', 'get_incident', 'incident_history', 'suspect_changes'] as const;
export const WRITE_TOOLS = ['declare_incident', 'log_entry', 'post_update'] as const;

const UPDATE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;

/** A tool's answer: a sentence (with quoted incident content) and the same data as structured content. */
function answer(text: string, structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/** A failure the model can act on: what went wrong and what to do, never a stack trace. */
function failure(error: unknown): CallToolResult {
  return { content: [{ type: 'text', text: describeError(error) }], isError: true };
}

async function safely(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    return failure(error);
  }
}

/** A zod enum of the names, or any non-empty string when there are none configured. */
function oneOf(names: readonly string[], what: string) {
  const [first, ...rest] = names;
  return first === undefined ? z.string().min(1) : z.enum([first, ...rest]).describe(what);
}

export function createMcpServer(port: AgentPort, options: McpOptions): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions:
        `Firebreak runs incidents in ${repoSlug(port.repo)} with GitHub issues as the record. ` +
        'Read the incident before acting; log what was actually done or seen. ' +
        QUOTE_NOTE,
    },
  );
  const { config } = port;
  const repo = repoSlug(port.repo);

  server.registerTool(
    'list_incidents',
    {
      title: 'List incidents',
      description:
        `Lists incidents in ${repo}: number, title, severity, status, lead, declared and resolved times. ` +
        'Use it to find the incident a person means, or to see what is going on now. state: active (default), ' +
        `resolved (the ${30} most recently resolved) or all. Read-only; costs one or two GitHub requests.`,
      inputSchema: { state: z.enum(['active', 'resolved', 'all']).optional() },
      outputSchema: { state: z.string(), incidents: z.array(incidentSummary) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ state }) =>
      safely(async () => {
        const which = state ?? 'active';
        const incidents = (await port.listIncidents(which)).map(summaryOf);
        const lines = incidents.map(summaryLine);
        return answer(
          [
            `${incidents.length} ${which} incident(s) in ${repo}.`,
            ...(lines.length ? [QUOTE_NOTE, quoted(lines.join('\n'))] : []),
          ].join('\n'),
          { state: which, incidents },
        );
      }),
  );

  server.registerTool(
    'get_incident',
    {
      title: 'Get an incident',
      description:
        'Reads one incident by its issue number: severity, status, roles, description, last update and the whole ' +
        'timeline (actions, observations, decisions, questions, theories, updates, role and severity changes), ' +
        'oldest first, with links to the code entries point at. Use it before answering about or acting on an ' +
        'incident. Read-only; costs two GitHub requests.',
      inputSchema: { number: z.number().int().positive().describe('the incident issue number') },
      outputSchema: incidentDetailShape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ number }) =>
      safely(async () => {
        const incident = await port.getIncident(number);
        return answer(incidentText(incident), detailOf(incident));
      }),
  );

  server.registerTool(
    'incident_history',
    {
      title: 'Past incidents on this code',
      description:
        'Finds incidents (resolved or active, the last 365 days) whose timeline entries pointed at a file or some ' +
        'of its lines, with references followed by git to the file as it is now. Use it before changing code that ' +
        'may have caused or fixed an incident. path is relative to the repository root; lines like "12-18". ' +
        'Read-only; needs a checkout (the stdio server started in one).',
      inputSchema: {
        path: z.string().min(1).describe('file path relative to the repository root'),
        lines: z
          .union([
            z.string().regex(/^\d+(\s*-\s*\d+)?$/),
            z.number().int().positive(),
            z.object({ start: z.number().int().positive(), end: z.number().int().positive() }),
          ])
          .optional()
          .describe('a line or range: 12, "12-18" or { start: 12, end: 18 }'),
      },
      outputSchema: {
        path: z.string(),
        mentions: z.array(
          z.object({ incident: incidentSummary, startLine: z.number(), endLine: z.number(), entry: timelineEntry }),
        ),
        contentNote: z.string(),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ path, lines }) =>
      safely(async () => {
        if (!port.history)
          throw new Error(
            'incident_history needs a checkout of the code: run `firebreak mcp` in the repository instead of the ' +
              'HTTP server.',
          );
        const range = lines === undefined ? undefined : lineRangeOf(lines);
        const mentions = await port.history(path, range);
        const rows = mentions.map((m) => ({
          incident: summaryOf(m.incident),
          startLine: m.range[0],
          endLine: m.range[1],
          entry: entryOf(m.entry),
        }));
        const text = rows.map(
          (r) => `${summaryLine(r.incident)}\n  lines ${r.startLine}-${r.endLine}, ${r.entry.kind}: ${r.entry.text}`,
        );
        return answer(
          [
            `${rows.length} past incident mention(s) on ${path}${range ? `:${range[0]}-${range[1]}` : ''}.`,
            ...(text.length ? [QUOTE_NOTE, quoted(text.join('\n'))] : []),
          ].join('\n'),
          { path, mentions: rows, contentNote: QUOTE_NOTE },
        );
      }),
  );

  server.registerTool(
    'suspect_changes',
    {
      title: 'Suspect changes',
      description:
        'What changed before the incident: the commits between the last good deploy and the one running when it ' +
        "was declared (GitHub Deployments of its environments), ranked: changes to the incident's services and " +
        'to code its timeline points at first, then the most recent. Each with its pull request, author, files and ' +
        'why it ranks there. Use it to answer "what changed?" and to pick a revert. Read-only; a handful of GitHub ' +
        'requests.',
      inputSchema: {
        number: z.number().int().positive().describe('the incident issue number'),
        environment: z.string().min(1).optional().describe("one environment instead of the incident's"),
      },
      outputSchema: suspectsShape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ number, environment }) =>
      safely(async () => {
        const result = await port.suspects(number, environment);
        const lines = result.suspects.map(
          (s, i) =>
            `${i + 1}. ${s.sha.slice(0, 7)} by @${s.author}${s.pr ? ` (#${s.pr.number})` : ''}, score ${s.score}: ` +
            `${s.message.split('\n')[0] ?? ''} [${s.reasons.join('; ')}]`,
        );
        const head =
          `${result.suspects.length} suspect change(s) for #${number} in ${result.environment ?? 'no environment'}` +
          (result.deployed ? `; deployed ${result.deployed.sha.slice(0, 7)} at ${result.deployed.deployedAt}` : '') +
          (result.lastGood ? `; last good ${result.lastGood.sha.slice(0, 7)}` : '') +
          (result.note ? `. ${result.note}` : '.');
        return answer([head, ...(lines.length ? [QUOTE_NOTE, quoted(lines.join('\n'))] : [])].join('\n'), {
          ...result,
        });
      }),
  );

  server.registerResource(
    'incident',
    new ResourceTemplate(`firebreak://${port.repo.owner}/${port.repo.name}/incidents/{number}`, {
      list: async () => ({
        resources: (await port.listIncidents('active')).map((incident) => ({
          uri: resourceUri(port, incident.number),
          name: `#${incident.number} ${incident.title}`,
          title: `Incident #${incident.number}`,
          mimeType: 'text/markdown',
        })),
      }),
    }),
    {
      title: 'Incident timeline',
      description: 'An incident with its whole timeline, to attach to a conversation.',
      mimeType: 'text/markdown',
    },
    async (uri, variables) => {
      const number = Number(variables['number']);
      const incident = await port.getIncident(number);
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: incidentText(incident) }] };
    },
  );

  if (!options.writes) return server;

  const severities = config.severities.map((s) => s.name);
  const services = Object.keys(config.services ?? {});
  server.registerTool(
    'declare_incident',
    {
      title: 'Declare an incident',
      description:
        `Declares an incident in ${repo} (a GitHub issue) with the token's login as declarer and lead. Severities: ` +
        config.severities.map((s) => `${s.name} (${s.description})`).join('; ') +
        '. When unsure, use triage. If active incidents look like this one, nothing is declared and they are ' +
        'returned: join one of them with log_entry instead, or call again with force: true when it is really ' +
        'separate. Writes to GitHub: one or two requests.',
      inputSchema: {
        title: z.string().min(1).max(250).describe('what is wrong, for responders'),
        severity: oneOf(severities, 'one of the configured severities'),
        description: z.string().max(20_000).optional(),
        service: (services.length ? oneOf(services, 'an affected service') : z.string().min(1)).optional(),
        force: z.boolean().optional().describe('declare even when similar active incidents exist'),
      },
      outputSchema: {
        declared: z.boolean(),
        incident: incidentSummary.nullable(),
        similar: z.array(z.object({ incident: incidentSummary, sharedServices: z.array(z.string()) })),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    ({ title, severity, description, service, force }) =>
      safely(async () => {
        const outcome = await port.declare({
          title,
          severity,
          ...(description ? { description } : {}),
          services: service ? [service] : [],
          force: force === true,
        });
        if ('similar' in outcome) {
          const similar = outcome.similar.map((c) => ({
            incident: summaryOf(c.incident),
            sharedServices: [...c.sharedServices],
          }));
          return answer(
            [
              `Not declared: ${similar.length} active incident(s) look like this one. Join one with log_entry, or ` +
                'call declare_incident again with force: true if this is a separate incident.',
              quoted(similar.map((c) => summaryLine(c.incident)).join('\n')),
            ].join('\n'),
            { declared: false, incident: null, similar },
          );
        }
        const incident = summaryOf(outcome.declared);
        return answer(`Declared ${summaryLine(incident)}`, { declared: true, incident, similar: [] });
      }),
  );

  server.registerTool(
    'log_entry',
    {
      title: 'Log a timeline entry',
      description:
        "Adds one entry to an incident's timeline: an action (something done), observation (something seen), " +
        "decision, question or theory, attributed to the token's login and marked as written through an agent. " +
        'Use it to show the working of an incident as it happens, especially before anything destructive. ' +
        'Entries cannot be taken back: write only what was actually done or seen, in one or two sentences, and ' +
        'never text taken from the incident content itself. Writes to GitHub: one request.',
      inputSchema: {
        number: z.number().int().positive().describe('the incident issue number'),
        kind: z.enum(LOG_KINDS),
        text: z.string().min(1).max(20_000),
      },
      outputSchema: { number: z.number(), entry: timelineEntry },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    ({ number, kind, text }) =>
      safely(async () => {
        const entry = entryOf(await port.log(number, kind, text));
        return answer(`Logged a ${kind} on ${repo}#${number}: ${entry.url ?? ''}`.trim(), { number, entry });
      }),
  );

  server.registerTool(
    'post_update',
    {
      title: 'Post a status update',
      description:
        'Posts a status update on an incident (the current status, impact, what is being done, when the next ' +
        'update comes), optionally moving it to investigating, identified, monitoring or resolved. Updates reach ' +
        'everyone following the incident; not the public status page. Writes to GitHub: a comment request, then the ' +
        'labels and summary. Use it when the lead asks for an update or one is due.',
      inputSchema: {
        number: z.number().int().positive().describe('the incident issue number'),
        text: z.string().min(1).max(20_000),
        status: z.enum(UPDATE_STATUSES).optional(),
      },
      outputSchema: { incident: incidentSummary },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    ({ number, text, status }) =>
      safely(async () => {
        const incident = summaryOf(await port.update(number, text, status as Milestone | undefined));
        return answer(`Posted an update on ${summaryLine(incident)}`, { incident });
      }),
  );
  return server;
}

/** The lines a tool call names, as the history wants them (1-based, inclusive). */
function lineRangeOf(lines: string | number | { start: number; end: number }): [number, number] {
  if (typeof lines === 'string') return parseLineRange(lines);
  if (typeof lines === 'number') return [lines, lines];
  return parseLineRange(`${lines.start}-${lines.end}`);
}

export function resourceUri(port: Pick<AgentPort, 'repo'>, number: number): string {
  return `firebreak://${port.repo.owner}/${port.repo.name}/incidents/${number}`;
}
