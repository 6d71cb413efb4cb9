// The one wiring every face uses: a workspace plus credentials become a GitHub client, the gateways of the incident
// repositories, the renderer and, once the actor is known, the incident context. The CLI, the Action, the
// extension, the drill, the bench and the tests all build their objects here.
import { Authority } from './authority';
import type { FirebreakConfig } from './domain/config';
import { repoSlug, type EntryVia, type RepoRef } from './domain/incident';
import { createRenderer, type Renderer } from './domain/render';
import { createGitHubClient, type ClientOptions, type GitHubClient } from './github/github-client';
import { OctokitDeploymentReviewGateway } from './github/deployment-reviews';
import { OctokitIssueGateway, type IssueGateway } from './github/issue-gateway';
import { AlertIntake } from './use-cases/alerts';
import { DeploymentGate } from './use-cases/deployment-gate';
import { IncidentHistory, type GitRepository } from './use-cases/incident-history';
import { IncidentContext } from './use-cases/incident-context';

/** What the wiring needs of a workspace (a loaded one, or a test's hand-made one). */
export interface WiringWorkspace {
  readonly config: FirebreakConfig;
  readonly templates?: Readonly<Record<string, string>>;
  readonly repository: RepoRef;
  readonly privateRepository?: RepoRef;
  readonly apiUrl: string;
  readonly webUrl?: string;
}

export interface ConnectOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** A client to share (its options then apply): another workspace over the same connection to GitHub. */
  readonly client?: GitHubClient;
  /** How many times an ambiguous create is retried after its key lookup found nothing. */
  readonly createAttempts?: number;
}

/** A face's handle on GitHub for one workspace: everything but the actor. */
export interface Connection {
  readonly config: FirebreakConfig;
  readonly client: GitHubClient;
  readonly renderer: Renderer;
  /** Template overrides by name (`status-page/NAME` for the site's), as the workspace loaded them. */
  readonly templates: Readonly<Record<string, string>>;
  /** The incident repository's gateway. */
  readonly gateway: IssueGateway;
  readonly privateGateway?: IssueGateway;
  readonly webUrl: string;
  readonly apiUrl: string;
  /** The gateway of any repository (the incident ones are reused). */
  gatewayFor(repo: RepoRef): IssueGateway;
  /** Who may act (GitHub's collaborator permission), cached for this connection's life: one run or process. */
  readonly authority: Authority;
}

export function connect(workspace: WiringWorkspace, options: ConnectOptions = {}): Connection {
  const { createAttempts, client: shared, ...clientOptions } = options;
  const client = shared ?? createGitHubClient({ ...clientOptions, baseUrl: workspace.apiUrl });
  const make = (repo: RepoRef) =>
    new OctokitIssueGateway(repo, {
      client,
      ...(workspace.webUrl ? { webUrl: workspace.webUrl } : {}),
      ...(createAttempts !== undefined ? { createAttempts } : {}),
    });
  const gateway = make(workspace.repository);
  const privateGateway = workspace.privateRepository ? make(workspace.privateRepository) : undefined;
  const known = new Map<string, IssueGateway>([[repoSlug(gateway.repo).toLowerCase(), gateway]]);
  if (privateGateway) known.set(repoSlug(privateGateway.repo).toLowerCase(), privateGateway);
  const gatewayFor = (repo: RepoRef): IssueGateway => {
    const slug = repoSlug(repo).toLowerCase();
    let found = known.get(slug);
    if (!found) {
      found = make(repo);
      known.set(slug, found);
    }
    return found;
  };
  return {
    config: workspace.config,
    client,
    renderer: createRenderer({ ...workspace.templates }),
    templates: { ...workspace.templates },
    gateway,
    ...(privateGateway ? { privateGateway } : {}),
    webUrl: gateway.webUrl,
    apiUrl: client.baseUrl,
    gatewayFor,
    authority: new Authority((repo, login) => gatewayFor(repo).canPush(login)),
  };
}

export interface ContextOptions {
  /** The GitHub login of whoever acts (a person, or the workflow's actor). */
  readonly actor: string;
  /** Whom entries speak for when written through a chat (Slack) or an agent (MCP), not the person's own client. */
  readonly via?: EntryVia;
  readonly now?: () => Date;
  readonly newKey?: () => string;
  /** How long the view write after a landed entry is retried while GitHub fails. */
  readonly viewBudgetMs?: number;
}

/** The configuration and the gateways (incident repository, private repository when set) of a connection. */
function readsFrom(connection: Connection): Pick<Connection, 'config' | 'gateway' | 'privateGateway' | 'authority'> {
  return {
    config: connection.config,
    gateway: connection.gateway,
    ...(connection.privateGateway ? { privateGateway: connection.privateGateway } : {}),
    authority: connection.authority,
  };
}

/** What the incident use cases share (see use-case.ts), for one actor over a connection. */
export function incidentContext(connection: Connection, options: ContextOptions): IncidentContext {
  return new IncidentContext({
    ...readsFrom(connection),
    renderer: connection.renderer,
    actor: options.actor,
    ...(options.via ? { via: options.via } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.newKey ? { newKey: options.newKey } : {}),
    ...(options.viewBudgetMs !== undefined ? { viewBudgetMs: options.viewBudgetMs } : {}),
  });
}

export interface HistoryOptions {
  /** The checked-out repository whose code is looked at. */
  readonly git: GitRepository;
  /** owner/name of that repository: references into other repositories are left out. */
  readonly codeRepo?: RepoRef;
  readonly now?: () => Date;
}

/** Past incidents in the code (review, history, the editor's CodeLens) over a connection. */
export function incidentHistory(connection: Connection, options: HistoryOptions): IncidentHistory {
  return new IncidentHistory({
    ...readsFrom(connection),
    git: options.git,
    ...(options.codeRepo ? { codeRepo: repoSlug(options.codeRepo) } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}

/** The deployment gate (a GitHub App's custom deployment protection rule) over a connection. */
export function deploymentGate(connection: Connection, options: { readonly now?: () => Date } = {}): DeploymentGate {
  return new DeploymentGate({
    ...readsFrom(connection),
    reviews: (repo) => new OctokitDeploymentReviewGateway(repo, connection.client),
    ...(options.now ? { now: options.now } : {}),
  });
}

/** Alerts in (`firebreak serve`, the Action's `mode: alert`, the bench) over a connection, acting as `actor`. */
export function alertIntake(connection: Connection, actor: string): AlertIntake {
  return new AlertIntake({
    config: connection.config,
    gateway: connection.gateway,
    renderer: connection.renderer,
    authority: connection.authority,
    service: incidentContext(connection, { actor }),
  });
}
