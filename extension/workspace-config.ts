// The incident config of the open workspace, read with vscode.workspace.fs (works in remote and web workspaces):
// .github/incidents.yml (or firebreak.configPath), its template overrides, and the incident repository.
import * as vscode from 'vscode';
import {
  DEFAULT_CONFIG_PATH,
  defaultConfig,
  parseConfig,
  parseRepo,
  type FirebreakConfig,
} from '../core/domain/config';
import { FirebreakError } from '../core/domain/errors';
import type { RepoRef } from '../core/domain/incident';
import { TEMPLATE_NAMES } from '../core/domain/render';
import type { GitFacts } from './git';
import type { Settings } from './settings';

export interface LoadedConfig {
  readonly config: FirebreakConfig;
  readonly templates: Readonly<Record<string, string>>;
  /** The config file, when there is one (for "Open config"). */
  readonly file?: vscode.Uri;
}

export class WorkspaceConfig {
  private cache: Promise<LoadedConfig> | undefined;
  private last: LoadedConfig | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** The folder whose config applies: the first workspace folder. */
  get folder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
  }

  /** The config as last loaded, without reading anything (the status bar needs cadences at once). */
  get current(): FirebreakConfig | undefined {
    return this.last?.config;
  }

  load(settings: Settings): Promise<LoadedConfig> {
    this.cache ??= this.read(settings).then(
      (loaded) => (this.last = loaded),
      (error: unknown) => {
        this.cache = undefined;
        throw error;
      },
    );
    return this.cache;
  }

  invalidate(): void {
    this.cache = undefined;
  }

  /** The incident repository: the setting, else the config file, else the origin remote of the workspace. */
  async resolveRepo(settings: Settings, config: FirebreakConfig, git: GitFacts): Promise<RepoRef> {
    if (settings.repository) {
      const repo = parseRepo(settings.repository);
      if (!repo)
        throw new FirebreakError(
          'config',
          `The setting firebreak.repository ("${settings.repository}") is not owner/name.`,
          'Set it to the incident repository, e.g. acme/incidents, or clear it.',
        );
      return repo;
    }
    if (config.repository) return config.repository;
    const folder = this.folder;
    const repository = folder ? await git.repositoryFor(folder.uri) : undefined;
    const origin = repository ? git.originRepo(repository) : undefined;
    if (origin) return origin;
    throw new FirebreakError(
      'config',
      'Firebreak does not know which repository holds the incidents.',
      'Set firebreak.repository, add "repository: owner/name" to .github/incidents.yml, or open a clone with a GitHub origin remote.',
    );
  }

  private async read(settings: Settings): Promise<LoadedConfig> {
    const folder = this.folder;
    if (!folder) return { config: defaultConfig(), templates: {} };
    const file = vscode.Uri.joinPath(folder.uri, settings.configPath);
    const text = await readText(file);
    if (text === undefined) {
      if (settings.configPath !== DEFAULT_CONFIG_PATH) {
        throw new FirebreakError(
          'config',
          `The config file ${settings.configPath} (setting firebreak.configPath) does not exist.`,
          'Point the setting at an existing file, or clear it to use .github/incidents.yml.',
        );
      }
      this.log.info(`no ${DEFAULT_CONFIG_PATH} in ${folder.name}: using the default severities and roles`);
      return { config: defaultConfig(), templates: {} };
    }
    const config = parseConfig(text, settings.configPath);
    // Template overrides are code-like content from the repository: only in trusted workspaces.
    const useTemplates = config.templates !== undefined && vscode.workspace.isTrusted;
    if (config.templates && !useTemplates)
      this.log.info(
        'Restricted Mode: template overrides of this workspace are ignored; the built-in templates are used',
      );
    const templates =
      useTemplates && config.templates
        ? await this.readTemplates(vscode.Uri.joinPath(folder.uri, config.templates), config)
        : {};
    this.log.info(
      `loaded ${settings.configPath}${Object.keys(templates).length ? ` with template overrides: ${Object.keys(templates).join(', ')}` : ''}`,
    );
    return { config, templates, file };
  }

  private async readTemplates(dir: vscode.Uri, config: FirebreakConfig): Promise<Record<string, string>> {
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(dir);
    } catch {
      throw new FirebreakError(
        'config',
        `The templates directory ${config.templates ?? ''} (from ${config.source}) does not exist.`,
        'Fix "templates:" in the config file, or remove it to use the built-in templates.',
      );
    }
    const overrides: Record<string, string> = {};
    for (const [name, type] of entries) {
      const base = name.replace(/\.hbs$/, '');
      if (
        type !== vscode.FileType.File ||
        !name.endsWith('.hbs') ||
        !(TEMPLATE_NAMES as readonly string[]).includes(base)
      )
        continue;
      const text = await readText(vscode.Uri.joinPath(dir, name));
      if (text !== undefined) overrides[base] = text;
    }
    return overrides;
  }
}

/** A file's text, or undefined when it does not exist. */
export async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    if ((error as { code?: string }).code === 'FileNotFound' || (error as { code?: string }).code === 'ENOENT')
      return undefined;
    throw error;
  }
}
