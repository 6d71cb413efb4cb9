// Builds the CLI's objects from flags, environment and files: config, repository, gateway and incident service.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DEFAULT_CONFIG_PATH,
  defaultConfig,
  parseConfig,
  parseRepo,
  type FirebreakConfig,
} from '../core/domain/config';
import { InputError } from '../core/domain/errors';
import { parseRemoteUrl } from '../core/domain/code-ref';
import { createGitHubClient, GITHUB_API_URL, type Logger } from '../core/github/github-client';
import { IncidentService } from '../core/use-cases/incident-service';
import type { RepoRef } from '../core/domain/incident';
import { OctokitIssueGateway, type IssueGateway } from '../core/github/issue-gateway';
import { createRenderer, TEMPLATE_NAMES, type Renderer } from '../core/domain/render';
import { originUrl, repositoryRoot } from './git';

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
  readonly gateway: IssueGateway;
  readonly privateGateway?: IssueGateway;
  readonly renderer: Renderer;
  readonly apiUrl: string;
  readonly webUrl: string;
  readonly token?: string;
  service(): Promise<IncidentService>;
}

export function loadConfigFile(root: string, path?: string): FirebreakConfig {
  const file = resolve(root, path ?? DEFAULT_CONFIG_PATH);
  if (!existsSync(file)) {
    if (path)
      throw new InputError(
        `Config file ${path} does not exist.`,
        'Pass an existing file to --config, or leave it out to use the defaults.',
      );
    return defaultConfig();
  }
  return parseConfig(readFileSync(file, 'utf8'), path ?? DEFAULT_CONFIG_PATH);
}

export function loadTemplateOverrides(root: string, config: FirebreakConfig): Record<string, string> {
  if (!config.templates) return {};
  const dir = resolve(root, config.templates);
  if (!existsSync(dir))
    throw new InputError(`The templates directory ${config.templates} (from ${config.source}) does not exist.`);
  const overrides: Record<string, string> = {};
  for (const file of readdirSync(dir)) {
    const name = file.replace(/\.hbs$/, '');
    if (file.endsWith('.hbs') && (TEMPLATE_NAMES as readonly string[]).includes(name))
      overrides[name] = readFileSync(join(dir, file), 'utf8');
  }
  return overrides;
}

export function buildContext(options: GlobalOptions, env: NodeJS.ProcessEnv, cwd: string, log: Logger): CliContext {
  const root = repositoryRoot(cwd) ?? cwd;
  const config = loadConfigFile(root, options.config);
  const repo = resolveRepo(options.repo, config, root);
  const apiUrl = (options.apiUrl ?? env['GITHUB_API_URL'] ?? GITHUB_API_URL).replace(/\/+$/, '');
  const token = env['GITHUB_TOKEN'] || env['GH_TOKEN'] || undefined;
  const client = createGitHubClient({ ...(token ? { token } : {}), baseUrl: apiUrl, log, userAgent: 'firebreak-cli' });
  const webUrl = env['GITHUB_SERVER_URL'];
  const gateway = new OctokitIssueGateway(repo, client, webUrl);
  const privateGateway = config.privateRepository
    ? new OctokitIssueGateway(config.privateRepository, client, webUrl)
    : undefined;
  const renderer = createRenderer(loadTemplateOverrides(root, config));
  let service: Promise<IncidentService> | undefined;
  const remote = originUrl(root);
  const codeRepo = remote ? parseRemoteUrl(remote) : undefined;
  return {
    cwd,
    root,
    config,
    repo,
    ...(codeRepo ? { codeRepo } : {}),
    gateway,
    ...(privateGateway ? { privateGateway } : {}),
    renderer,
    apiUrl,
    webUrl: gateway.webUrl,
    ...(token ? { token } : {}),
    service() {
      service ??= (async () => {
        if (!token) {
          throw new InputError(
            'No GitHub token.',
            'Set GITHUB_TOKEN (or GH_TOKEN) to a token with issues: write on the incident repository, e.g. GITHUB_TOKEN=$(gh auth token).',
          );
        }
        // In Actions the token is an installation token, which cannot read /user; the runner names the actor.
        const actor =
          env['GITHUB_ACTIONS'] === 'true' && env['GITHUB_ACTOR'] ? env['GITHUB_ACTOR'] : await gateway.currentUser();
        return new IncidentService({ config, gateway, ...(privateGateway ? { privateGateway } : {}), renderer, actor });
      })();
      return service;
    },
  };
}

function resolveRepo(flag: string | undefined, config: FirebreakConfig, root: string): RepoRef {
  if (flag) {
    const repo = parseRepo(flag);
    if (!repo)
      throw new InputError(
        `--repo "${flag}" is not owner/name.`,
        'Pass the incident repository as owner/name, e.g. --repo acme/incidents.',
      );
    return repo;
  }
  if (config.repository) return config.repository;
  const remote = originUrl(root);
  const fromRemote = remote ? parseRemoteUrl(remote) : undefined;
  if (fromRemote) return fromRemote;
  throw new InputError(
    'No incident repository.',
    'Pass --repo owner/name, set repository: in .github/incidents.yml, or run inside a clone with an origin remote.',
  );
}
