// Builds the CLI's objects from flags, environment and files: config, repository, gateway and incident service.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CONFIG_MAX_BYTES,
  configTooLarge,
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
import { repoSlug, type RepoRef } from '../core/domain/incident';
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
  /** The service; for a repository named in a reference (`owner/name#12`), one whose numbers are in that repository. */
  service(repo?: RepoRef): Promise<IncidentService>;
  /** The gateway to a repository: the incident or private one as configured, else a new one on the same client. */
  gatewayFor(repo?: RepoRef): IssueGateway;
  /** Fails unless the configured private repository exists and is private on GitHub (checked once, on first use). */
  requirePrivateRepository(): Promise<void>;
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
  const name = path ?? DEFAULT_CONFIG_PATH;
  // Checked before reading: a huge file (or a device) would take minutes to parse, or never end.
  const size = statSync(file).size;
  if (size > CONFIG_MAX_BYTES) throw configTooLarge(name, size);
  return parseConfig(readFileSync(file, 'utf8'), name);
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
  if (config.privateRepository && repoSlug(config.privateRepository).toLowerCase() === repoSlug(repo).toLowerCase())
    throw new InputError(
      `The incident repository ${repoSlug(repo)} is also the private repository (private-repository in ${config.source}).`,
      'Private incidents need a separate, private repository: name another one, or pass --repo with the public one.',
    );
  const apiUrl = checkApiUrl(options.apiUrl ?? env['GITHUB_API_URL'] ?? GITHUB_API_URL, options.apiUrl !== undefined);
  const token = env['GITHUB_TOKEN'] || env['GH_TOKEN'] || undefined;
  const client = createGitHubClient({ ...(token ? { token } : {}), baseUrl: apiUrl, log, userAgent: 'firebreak-cli' });
  const webUrl = env['GITHUB_SERVER_URL'];
  const gateway = new OctokitIssueGateway(repo, client, webUrl);
  const privateGateway = config.privateRepository
    ? new OctokitIssueGateway(config.privateRepository, client, webUrl)
    : undefined;
  const renderer = createRenderer(loadTemplateOverrides(root, config));
  const services = new Map<string, Promise<IncidentService>>();
  let actor: Promise<string> | undefined;
  let privateChecked: Promise<void> | undefined;
  const same = (a: RepoRef, b: RepoRef) => repoSlug(a).toLowerCase() === repoSlug(b).toLowerCase();
  const gatewayFor = (target: RepoRef = repo): IssueGateway => {
    if (same(target, repo)) return gateway;
    if (privateGateway && same(target, privateGateway.repo)) return privateGateway;
    return new OctokitIssueGateway(target, client, webUrl);
  };
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
          // In Actions the token is an installation token, which cannot read /user; the runner names the actor.
          actor ??=
            env['GITHUB_ACTIONS'] === 'true' && env['GITHUB_ACTOR']
              ? Promise.resolve(env['GITHUB_ACTOR'])
              : gateway.currentUser();
          // Numbers given with a repository (owner/name#12) are that repository's: its gateway comes first.
          return new IncidentService({
            config,
            gateway: gatewayFor(target),
            ...(privateGateway ? { privateGateway } : {}),
            renderer,
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
  };
}

/** The API base, checked before any request: a typo should say so at once, not after retries. */
function checkApiUrl(text: string, fromFlag: boolean): string {
  const where = fromFlag ? '--api-url' : 'GITHUB_API_URL';
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new InputError(
      `${where} "${text}" is not a valid API URL.`,
      'Use https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server.',
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new InputError(
      `${where} must be a plain API base URL (no credentials, query or fragment).`,
      'Use https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server; the token goes in GITHUB_TOKEN.',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(
      `${where} "${text}" uses the unsupported protocol ${url.protocol.replace(/:$/, '')}.`,
      'The GitHub API is reached over https, e.g. https://api.github.com.',
    );
  }
  return text.trim().replace(/\/+$/, '');
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
