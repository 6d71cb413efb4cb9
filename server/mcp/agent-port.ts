// What the MCP server asks of Firebreak, as one small port over the same use cases every face calls: the incident
// list and timeline, past incidents on code, suspect changes, and (with writes allowed) declare, log and update.
import type { LineRange } from '../../core/domain/line-map';
import { isActive, type Incident, type LogKind, type Milestone, type RepoRef } from '../../core/domain/incident';
import { incidentFromIssue } from '../../core/domain/issue-view';
import type { SimilarIncident } from '../../core/domain/similar';
import type { TimelineEntry } from '../../core/domain/incident';
import type { GitRepository, PastMention } from '../../core/use-cases/incident-history';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { ListIncidents } from '../../core/use-cases/list-incidents';
import { LogEntry } from '../../core/use-cases/log-entry';
import { PostUpdate } from '../../core/use-cases/post-update';
import { ShowIncident } from '../../core/use-cases/show-incident';
import { SimilarIncidents } from '../../core/use-cases/similar-incidents';
import { suspectsFor, type LocalCommits, type SuspectsResult } from '../../core/use-cases/suspects';
import { trustForIssues } from '../../core/use-cases/writers';
import { incidentContext, incidentHistory, type Connection } from '../../core/wiring';

export type IncidentState = 'active' | 'resolved' | 'all';

/** How many resolved incidents `list_incidents` returns at most (newest first): one list request. */
export const RESOLVED_LIMIT = 30;

export interface DeclareRequest {
  readonly title: string;
  readonly severity: string;
  readonly description?: string;
  readonly services: readonly string[];
  readonly force: boolean;
}

export type DeclareOutcome = { readonly declared: Incident } | { readonly similar: readonly SimilarIncident[] };

export interface AgentPort {
  readonly repo: RepoRef;
  readonly config: Connection['config'];
  listIncidents(state: IncidentState): Promise<Incident[]>;
  getIncident(number: number): Promise<Incident>;
  /** Absent without a checkout to carry references through git. */
  readonly history?: (path: string, lines?: LineRange) => Promise<PastMention[]>;
  suspects(number: number, environment?: string): Promise<SuspectsResult>;
  declare(request: DeclareRequest): Promise<DeclareOutcome>;
  log(number: number, kind: LogKind, text: string): Promise<TimelineEntry>;
  update(number: number, text: string, status?: Milestone): Promise<Incident>;
}

export interface AgentPortOptions {
  readonly connection: Connection;
  /** The token's login: who every write is attributed to. */
  readonly actor: () => Promise<string>;
  /** The checked-out repository, for incident_history and the files of suspect commits. */
  readonly git?: GitRepository & LocalCommits;
  /** The CODEOWNERS file's text, a tie-breaker for suspects. */
  readonly codeowners?: string;
  readonly codeRepo?: RepoRef;
  readonly now?: () => Date;
}

/** Entries written by an agent say so, next to the token's login (rendered "@login via an agent (MCP)"). */
export const AGENT_CHAT = 'mcp';

export function agentPort(options: AgentPortOptions): AgentPort {
  const { connection } = options;
  const { config, gateway } = connection;
  const context = async () => {
    const actor = await options.actor();
    const made = incidentContext(connection, {
      actor,
      via: { chat: AGENT_CHAT, user: actor, login: actor },
      ...(options.now ? { now: options.now } : {}),
    });
    return made;
  };
  const resolved = async (): Promise<Incident[]> => {
    const issues = await gateway.listIssues({
      labels: [config.labels.incident],
      state: 'closed',
      sort: 'updated',
      direction: 'desc',
      limit: RESOLVED_LIMIT,
    });
    const trust = await trustForIssues(connection.authority, gateway.repo, issues);
    return issues.map((issue) => incidentFromIssue({ repo: gateway.repo, issue, config }, trust));
  };
  return {
    repo: gateway.repo,
    config,
    async listIncidents(state) {
      const active = state === 'resolved' ? [] : await new ListIncidents(await context()).run();
      const done = state === 'active' ? [] : (await resolved()).filter((i) => !isActive(i));
      return [...active, ...done];
    },
    async getIncident(number) {
      return new ShowIncident(await context()).run(number);
    },
    ...(options.git
      ? {
          history: async (path: string, lines?: LineRange) => {
            const history = incidentHistory(connection, {
              git: options.git as GitRepository,
              ...(options.codeRepo ? { codeRepo: options.codeRepo } : {}),
              ...(options.now ? { now: options.now } : {}),
            });
            return (await history.history(path, lines)).mentions;
          },
        }
      : {}),
    async suspects(number, environment) {
      const incident = await new ShowIncident(await context()).run(number);
      const suspects = suspectsFor(connection, {
        ...(options.git ? { local: options.git } : {}),
        ...(options.codeowners !== undefined ? { codeowners: options.codeowners } : {}),
      });
      return suspects.run({ incident, ...(environment ? { environment } : {}) });
    },
    async declare(request) {
      const use = await context();
      const draft = { title: request.title, services: request.services, private: false, drill: false };
      if (!request.force) {
        const similar = await new SimilarIncidents(use).run(draft);
        if (similar.length > 0) return { similar };
      }
      const declared = await new DeclareIncident(use).run({
        ...draft,
        severity: request.severity,
        ...(request.description ? { description: request.description } : {}),
      });
      await use.settle();
      return { declared };
    },
    async log(number, kind, text) {
      const use = await context();
      const entry = await new LogEntry(use).run(number, { kind, text });
      await use.settle();
      return entry;
    },
    async update(number, text, status) {
      const use = await context();
      const incident = await new PostUpdate(use).run(number, { text, ...(status ? { status } : {}) });
      await use.settle();
      return incident;
    },
  };
}
