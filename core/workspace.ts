// The one loader every face uses: the incident config, its template overrides and the repositories involved, from
// the files of a checkout, what the face was told (CLI flags, VS Code settings, Action inputs) and the environment.
//
// Precedence, the same everywhere:
//   config file   the face's path (flag/setting/input), else .github/incidents.yml, else the built-in defaults
//   repository    the face's value, else `repository:` in the config, else GITHUB_REPOSITORY, else the origin remote
//   API URL       the face's value, else GITHUB_API_URL, else https://api.github.com
//   web URL       GITHUB_SERVER_URL, else derived from the API URL
// The faces differ only in how they read files (node:fs, vscode.workspace.fs) and in the names of their knobs.
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute as isAbsolutePath, relative as relativePath, resolve as resolvePath } from 'node:path';
import {
  CONFIG_MAX_BYTES,
  configTooLarge,
  DEFAULT_CONFIG_PATH,
  defaultConfig,
  parseConfig,
  parseRepo,
  type FirebreakConfig,
} from './domain/config';
import { FirebreakError } from './domain/errors';
import { displayRemote, gitHubHosts, gitHubRemoteRepo } from './domain/git-remote';
import { repoSlug, type RepoRef } from './domain/incident';
import { TEMPLATE_NAMES } from './domain/render';
import { STATUS_PAGE_DIR, STATUS_PAGE_TEMPLATES } from './domain/status-page-render';
import { GITHUB_API_URL, webUrlFor } from './github/github-client';

/** Read access to the checkout, relative to its root. */
export interface WorkspaceFiles {
  /** A file's text, or undefined when it does not exist. */
  readText(path: string): Promise<string | undefined>;
  /** The names of the files in a directory, or undefined when it does not exist. */
  listFiles(dir: string): Promise<string[] | undefined>;
  /** A file's size in bytes without reading it, where that is cheap (undefined when it does not exist). */
  size?(path: string): Promise<number | undefined>;
}

/** How a face names its knobs, so that messages say what to change. */
export interface KnobNames {
  /** e.g. `--config`, `the setting firebreak.configPath`, `input config-path`. */
  readonly configPath: string;
  readonly repository: string;
  readonly apiUrl: string;
}

export interface WorkspaceSources {
  /** The checkout; absent where there is none (then the defaults apply). */
  readonly files?: WorkspaceFiles;
  /** What the face was told; empty strings count as not given. */
  readonly configPath?: string;
  readonly repository?: string;
  readonly apiUrl?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The URL of the checkout's origin remote, asked only when nothing earlier names the repository. */
  readonly originUrl?: () => string | undefined | Promise<string | undefined>;
  /** False in untrusted workspaces (VS Code Restricted Mode): template overrides are code-like and stay unread. */
  readonly trustTemplates?: boolean;
  readonly names: KnobNames;
  /** Said after "does not exist" for a missing file, e.g. "in the checkout". */
  readonly where?: string;
  /** What to do about a missing config file, when the face knows better than the generic advice. */
  readonly missingHint?: string;
}

export interface LoadedConfig {
  readonly config: FirebreakConfig;
  /** Template overrides: template name -> Handlebars text. */
  readonly templates: Readonly<Record<string, string>>;
  /** The config file that was read, relative to the root; absent when the defaults apply. */
  readonly configFile?: string;
  /** Template overrides that exist but were not read (Restricted Mode). */
  readonly templatesIgnored: boolean;
}

export interface Repositories {
  /** Where (public) incidents live. */
  readonly repository: RepoRef;
  readonly privateRepository?: RepoRef;
  readonly apiUrl: string;
  readonly webUrl: string;
}

export interface Workspace extends LoadedConfig, Repositories {}

/** Upper-cases the first letter: knob names start sentences in some messages. */
function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function given(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** The config file and its template overrides. */
export async function loadConfig(sources: WorkspaceSources): Promise<LoadedConfig> {
  const { files, names } = sources;
  const explicit = given(sources.configPath);
  const path = explicit ?? DEFAULT_CONFIG_PATH;
  const where = sources.where ? ` ${sources.where}` : '';
  // Checked before reading where the files allow: a huge file (or a device) would take minutes to parse.
  const size = await files?.size?.(path);
  if (size !== undefined && size > CONFIG_MAX_BYTES) throw configTooLarge(path, size);
  const text = files ? await files.readText(path) : undefined;
  if (text === undefined) {
    if (explicit && explicit !== DEFAULT_CONFIG_PATH) {
      throw new FirebreakError(
        'config',
        `The config file ${explicit} (${names.configPath}) does not exist${where}.`,
        sources.missingHint ??
          `Point ${names.configPath} at an existing file, or leave it out to use ${DEFAULT_CONFIG_PATH} or the defaults.`,
      );
    }
    return { config: defaultConfig(), templates: {}, templatesIgnored: false };
  }
  const config = parseConfig(text, path);
  if (!config.templates) return { config, templates: {}, configFile: path, templatesIgnored: false };
  if (sources.trustTemplates === false) return { config, templates: {}, configFile: path, templatesIgnored: true };
  const entries = files ? await files.listFiles(config.templates) : undefined;
  if (entries === undefined) {
    throw new FirebreakError(
      'config',
      `The templates directory ${config.templates} (from ${config.source}) does not exist${where}.`,
      'Fix "templates:" in the config file, or remove it to use the built-in templates.',
    );
  }
  const templates: Record<string, string> = {};
  for (const file of entries.sort()) {
    const name = file.replace(/\.hbs$/, '');
    if (!file.endsWith('.hbs') || !(TEMPLATE_NAMES as readonly string[]).includes(name)) continue;
    const template = await files?.readText(`${config.templates.replace(/\/+$/, '')}/${file}`);
    if (template !== undefined) templates[name] = template;
  }
  // The status page's templates live in their own folder: `index.hbs` there is the site's index, not an issue body.
  const siteDir = `${config.templates.replace(/\/+$/, '')}/${STATUS_PAGE_DIR}`;
  for (const file of ((await files?.listFiles(siteDir)) ?? []).sort()) {
    const name = file.replace(/\.hbs$/, '');
    if (!file.endsWith('.hbs') || !(STATUS_PAGE_TEMPLATES as readonly string[]).includes(name)) continue;
    const template = await files?.readText(`${siteDir}/${file}`);
    if (template !== undefined) templates[`${STATUS_PAGE_DIR}/${name}`] = template;
  }
  return { config, templates, configFile: path, templatesIgnored: false };
}

/** The incident repository (and the private one), and where GitHub's API and web pages are. */
export async function resolveRepositories(sources: WorkspaceSources, config: FirebreakConfig): Promise<Repositories> {
  const env = sources.env ?? {};
  const apiUrl = checkApiUrl(
    given(sources.apiUrl) ?? given(env['GITHUB_API_URL']) ?? GITHUB_API_URL,
    given(sources.apiUrl) ? sources.names.apiUrl : 'GITHUB_API_URL',
  );
  const webUrl = (given(env['GITHUB_SERVER_URL']) ?? webUrlFor(apiUrl)).replace(/\/+$/, '');
  const repository = await resolveRepository(sources, config, gitHubHosts(apiUrl, webUrl));
  const privateRepository = config.privateRepository;
  if (privateRepository && repoSlug(privateRepository).toLowerCase() === repoSlug(repository).toLowerCase()) {
    throw new FirebreakError(
      'config',
      `The incident repository ${repoSlug(repository)} is also the private repository (private-repository in ${config.source}).`,
      'Private incidents need a separate, private repository: name another one, or set the incident repository to the public one.',
    );
  }
  return {
    repository,
    ...(config.privateRepository ? { privateRepository: config.privateRepository } : {}),
    apiUrl,
    webUrl,
  };
}

async function resolveRepository(
  sources: WorkspaceSources,
  config: FirebreakConfig,
  hosts: readonly string[],
): Promise<RepoRef> {
  const explicit = given(sources.repository);
  if (explicit) {
    const repo = parseRepo(explicit);
    if (!repo) {
      throw new FirebreakError(
        'config',
        sentence(`${sources.names.repository} "${explicit}" is not owner/name.`),
        `Set ${sources.names.repository} to the incident repository, e.g. acme/incidents.`,
      );
    }
    return repo;
  }
  if (config.repository) return config.repository;
  const fromEnv = given(sources.env?.['GITHUB_REPOSITORY']);
  const envRepo = fromEnv ? parseRepo(fromEnv) : undefined;
  if (envRepo) return envRepo;
  // Only a remote on GitHub names the repository: a path (/srv/git/acme/shop) or another host merely looks like one.
  const remote = await sources.originUrl?.();
  const origin = remote ? gitHubRemoteRepo(remote, hosts) : undefined;
  if (origin) return origin;
  const why = remote
    ? `: the origin remote ${displayRemote(remote)} is not on GitHub (${hosts[0]} or the API's host)`
    : '';
  throw new FirebreakError(
    'config',
    `Firebreak does not know which repository holds the incidents${why}.`,
    `Set ${sources.names.repository} owner/name, add "repository: owner/name" to ${DEFAULT_CONFIG_PATH}` +
      `${sources.env ? ', or set GITHUB_REPOSITORY' : ''}. Nothing was written.`,
  );
}

/** The API base, checked before any request: a typo should say so at once, not after retries. */
function checkApiUrl(text: string, where: string): string {
  const hint = 'Use https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server.';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FirebreakError('config', sentence(`${where} "${text}" is not a valid API URL.`), hint);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new FirebreakError(
      'config',
      sentence(`${where} must be a plain API base URL (no credentials, query or fragment).`),
      `${hint} The token goes in GITHUB_TOKEN.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new FirebreakError(
      'config',
      sentence(`${where} "${text}" uses the unsupported protocol ${url.protocol.replace(/:$/, '')}.`),
      'The GitHub API is reached over https, e.g. https://api.github.com.',
    );
  }
  return text.replace(/\/+$/, '');
}

/** Everything at once: config, templates and repositories. */
export async function loadWorkspace(sources: WorkspaceSources): Promise<Workspace> {
  const loaded = await loadConfig(sources);
  return { ...loaded, ...(await resolveRepositories(sources, loaded.config)) };
}

/** A checkout on disk (CLI, Action): paths stay inside the root. */
export function nodeWorkspaceFiles(root: string): WorkspaceFiles {
  const inside = (path: string): string => {
    const full = resolvePath(root, path);
    const rel = relativePath(root, full);
    if (rel.startsWith('..') || isAbsolutePath(rel)) {
      throw new FirebreakError(
        'config',
        `${path} is outside the repository (${root}).`,
        'Use a path inside the repository.',
      );
    }
    return full;
  };
  return {
    async readText(path) {
      try {
        return await readFile(inside(path), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
          return undefined;
        }
        throw error;
      }
    },
    async size(path) {
      try {
        return (await stat(inside(path))).size;
      } catch {
        return undefined;
      }
    },
    async listFiles(dir) {
      try {
        return (await readdir(inside(dir), { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
          return undefined;
        }
        throw error;
      }
    },
  };
}
