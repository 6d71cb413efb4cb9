// The CLI's objects, from the shared workspace loader and wiring: config, repositories, gateways, renderer and the
// incident service. Flags win over the config file, the config over the environment, the environment over git.
import { join } from 'node:path';
import { parseRemoteUrl } from '../core/domain/code-ref';
import type { FirebreakConfig } from '../core/domain/config';
import { InputError } from '../core/domain/errors';
import { repoSlug, type RepoRef } from '../core/domain/incident';
import type { Renderer } from '../core/domain/render';
import type { Logger } from '../core/github/github-client';
import type { IssueGateway } from '../core/github/issue-gateway';
import { IncidentContext } from '../core/use-cases/incident-context';
import { connect, type Connection } from '../core/wiring';
import { loadWorkspace, nodeWorkspaceFiles } from '../core/workspace';
import { originUrl, repositoryRoot } from './git';
import { cacheDirectory, fileIdentityCache, type IdentityCache } from './identity-cache';
import { RepairIncident } from '../core/use-cases/repair-incident';

export interface GlobalOptions {
  readonly repo?: string;
  readonly apiUrl?: string;
  readonly config?: string;
}

export interface CliContext {
  readonly cwd: string;
  readonly root: string;
  readonly config: FirebreakConfig;
  readonly repo: RepoRef;
  /** The repository of the checked-out code (for permalinks), when it has a GitHub-style origin. */
  readonly codeRepo?: RepoRef;
  readonly connection: Connection;
  readonly gateway: IssueGateway;
  readonly privateGateway?: IssueGateway;
  readonly renderer: Renderer;
  readonly apiUrl: string;
  readonly webUrl: string;
  readonly token?: string;
  /** The service; for a repository named in a reference (`owner/name#12`), one whose numbers are in that repository. */
  service(repo?: RepoRef): Promise<IncidentContext>;
  /** The gateway to a repository: the incident or private one as configured, else a new one on the same client. */
  gatewayFor(repo?: RepoRef): IssueGateway;
  /** Fails unless the configured private repository exists and is private on GitHub (checked once, on first use). */
  requirePrivateRepository(): Promise<void>;
  /** After a command: gives labels GitHub created on first use their colors (no request when there are none). */
  finish(): Promise<void>;
}

export async function buildContext(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv,
  cwd: string,
  log: Logger,
  identities: IdentityCache = fileIdentityCache(join(cacheDirectory(env), 'identities.json')),
): Promise<CliContext> {
  const root = repositoryRoot(cwd) ?? cwd;
  let remote: string | undefined | null = null;
  const origin = () => (remote === null ? (remote = originUrl(root)) : remote);
  const originRepo = () => {
    const url = origin();
    return url ? parseRemoteUrl(url) : undefined;
  };
  const workspace = await loadWorkspace({
    files: nodeWorkspaceFiles(root),
    ...(options.config !== undefined ? { configPath: options.config } : {}),
    ...(options.repo !== undefined ? { repository: options.repo } : {}),
    ...(options.apiUrl !== undefined ? { apiUrl: options.apiUrl } : {}),
    env,
    originUrl: origin,
    names: { configPath: '--config', repository: '--repo', apiUrl: '--api-url' },
  });
  const { config, repository: repo } = workspace;
  const token = env['GITHUB_TOKEN'] || env['GH_TOKEN'] || undefined;
  const connection = connect(workspace, { ...(token ? { token } : {}), log, userAgent: 'firebreak-cli' });
  const { privateGateway } = connection;
  // A token whose login an earlier command learned is Firebreak itself: its markers need no permission read.
  const known = token && env['GITHUB_ACTIONS'] !== 'true' ? identities.get(connection.apiUrl, token) : undefined;
  if (known) connection.authority.trustAsSelf(known);
  const gatewayFor = (target: RepoRef = repo): IssueGateway => connection.gatewayFor(target);
  const services = new Map<string, Promise<IncidentContext>>();
  let actor: Promise<string> | undefined;
  let privateChecked: Promise<void> | undefined;
  const codeRepo = originRepo();
  return {
    cwd,
    root,
    config,
    repo,
    ...(codeRepo ? { codeRepo } : {}),
    connection,
    gateway: connection.gateway,
    ...(privateGateway ? { privateGateway } : {}),
    renderer: connection.renderer,
    apiUrl: connection.apiUrl,
    webUrl: connection.webUrl,
    ...(token ? { token } : {}),
    gatewayFor,
    service(target: RepoRef = repo) {
      const key = repoSlug(target).toLowerCase();
      let service = services.get(key);
      if (!service) {
        service = (async () => {
          if (!token) {
            throw new InputError(
              'No GitHub token.',
              'Set GITHUB_TOKEN (or GH_TOKEN) to a token with issues: write on the incident repository, e.g. GITHUB_TOKEN=$(gh auth token).',
            );
          }
          actor ??= actorFor(connection, token, env, identities);
          // Numbers given with a repository (owner/name#12) are that repository's: its gateway comes first.
          return new IncidentContext({
            config,
            gateway: gatewayFor(target),
            ...(privateGateway ? { privateGateway } : {}),
            renderer: connection.renderer,
            authority: connection.authority,
            actor: await actor,
          });
        })();
        services.set(key, service);
      }
      return service;
    },
    requirePrivateRepository() {
      privateChecked ??= (async () => {
        if (!privateGateway) return;
        const slug = repoSlug(privateGateway.repo);
        const { private: isPrivate } = await privateGateway.repository();
        if (!isPrivate) {
          throw new InputError(
            `The private repository ${slug} (private-repository in ${config.source}) is public on GitHub.`,
            `Private incidents must not be readable by everyone: make ${slug} private, or name a private repository.`,
          );
        }
      })();
      return privateChecked;
    },
    async finish() {
      for (const [, pending] of services) {
        const made = await pending.catch(() => undefined);
        if (!made) continue;
        // A change on a loaded incident checks its view after answering; a failed check is this command's failure.
        await made.settle();
        await new RepairIncident(made)
          .syncLabels(made.repo)
          .catch((error: unknown) => log.debug(`label colors not set: ${String(error)}`));
        if (privateGateway) {
          await new RepairIncident(made)
            .syncLabels(privateGateway.repo)
            .catch((error: unknown) => log.debug(`label colors not set: ${String(error)}`));
        }
      }
    },
  };
}

/**
 * Who acts. In Actions the token is an installation token, which cannot read /user: the runner names the actor.
 * Elsewhere the login is remembered per token, so only a token's first command asks GitHub.
 */
async function actorFor(
  connection: Connection,
  token: string,
  env: NodeJS.ProcessEnv,
  identities: IdentityCache,
): Promise<string> {
  if (env['GITHUB_ACTIONS'] === 'true' && env['GITHUB_ACTOR']) return env['GITHUB_ACTOR'];
  const cached = identities.get(connection.apiUrl, token);
  if (cached) {
    connection.authority.trustAsSelf(cached);
    return cached;
  }
  const login = await connection.gateway.currentUser();
  identities.set(connection.apiUrl, token, login);
  connection.authority.trustAsSelf(login);
  return login;
}
