// The incident config of the open workspace through the shared loader (core/workspace.ts), read with
// vscode.workspace.fs so that it works in remote workspaces: the setting firebreak.configPath (else
// .github/incidents.yml), its template overrides (trusted workspaces only), and the incident repository.
import * as vscode from 'vscode';
import type { FirebreakConfig } from '../core/domain/config';
import type { RepoRef } from '../core/domain/incident';
import { loadConfig, resolveRepositories, type KnobNames, type WorkspaceFiles } from '../core/workspace';
import type { GitFacts } from './git';
import type { Settings } from './settings';

export interface LoadedConfig {
  readonly config: FirebreakConfig;
  readonly templates: Readonly<Record<string, string>>;
  /** The config file, when there is one (for "Open config"). */
  readonly file?: vscode.Uri;
}

const NAMES: KnobNames = {
  configPath: 'the setting firebreak.configPath',
  repository: 'the setting firebreak.repository',
  apiUrl: 'the setting firebreak.apiUrl',
};

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
    const folder = this.folder;
    const { repository } = await resolveRepositories(
      {
        repository: settings.repository,
        apiUrl: settings.apiUrl,
        names: NAMES,
        originUrl: async () => {
          const repository = folder ? await git.repositoryFor(folder.uri) : undefined;
          return repository ? git.originUrl(repository) : undefined;
        },
      },
      config,
    );
    return repository;
  }

  private async read(settings: Settings): Promise<LoadedConfig> {
    const folder = this.folder;
    const loaded = await loadConfig({
      ...(folder ? { files: folderFiles(folder.uri) } : {}),
      configPath: settings.configPath,
      // Template overrides are code-like content from the repository: only in trusted workspaces.
      trustTemplates: vscode.workspace.isTrusted,
      names: NAMES,
      missingHint: 'Point the setting at an existing file, or clear it to use .github/incidents.yml.',
    });
    if (!folder) return { config: loaded.config, templates: {} };
    if (!loaded.configFile) {
      this.log.info(`no ${settings.configPath} in ${folder.name}: using the default severities and roles`);
      return { config: loaded.config, templates: {} };
    }
    if (loaded.templatesIgnored) {
      this.log.info(
        'Restricted Mode: template overrides of this workspace are ignored; the built-in templates are used',
      );
    }
    const names = Object.keys(loaded.templates);
    this.log.info(`loaded ${loaded.configFile}${names.length ? ` with template overrides: ${names.join(', ')}` : ''}`);
    return {
      config: loaded.config,
      templates: loaded.templates,
      file: vscode.Uri.joinPath(folder.uri, loaded.configFile),
    };
  }
}

/** The workspace folder's files through vscode.workspace.fs. */
function folderFiles(root: vscode.Uri): WorkspaceFiles {
  return {
    readText: (path) => readText(vscode.Uri.joinPath(root, path)),
    async listFiles(dir) {
      try {
        const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(root, dir));
        return entries.filter(([, type]) => type === vscode.FileType.File).map(([name]) => name);
      } catch {
        return undefined;
      }
    },
  };
}

/** A file's text, or undefined when it does not exist. */
export async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    if ((error as { code?: string }).code === 'FileNotFound' || (error as { code?: string }).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}
