// The few git facts the extension needs, from VS Code's Git extension (vscode.git, API version 1): a file's
// repository and HEAD commit, the origin remote, and whether HEAD is on a remote branch (pushed).
import * as vscode from 'vscode';
import { parseRemoteUrl } from '../core/domain/code-ref';
import type { RepoRef } from '../core/domain/incident';

/** The subset of the Git extension's API (extensions/git/src/api/git.d.ts) used here. */
interface GitBranchRef {
  readonly type: number;
  readonly name?: string;
  readonly commit?: string;
  readonly remote?: string;
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: {
    readonly HEAD?: {
      readonly name?: string;
      readonly commit?: string;
      readonly upstream?: { readonly remote: string; readonly name: string };
      readonly ahead?: number;
    };
    readonly remotes: readonly { readonly name: string; readonly fetchUrl?: string; readonly pushUrl?: string }[];
    readonly workingTreeChanges: readonly { readonly uri: vscode.Uri }[];
    readonly indexChanges: readonly { readonly uri: vscode.Uri }[];
  };
  getBranches(query: { remote?: boolean; contains?: string }): Promise<GitBranchRef[]>;
}

interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: readonly GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
  openRepository?(root: vscode.Uri): Promise<GitRepository | null>;
}

const REMOTE_HEAD = 1;

export class GitFacts {
  private api: Promise<GitApi | undefined> | undefined;
  private loaded: GitApi | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** The repository a file belongs to, waiting briefly for the Git extension to discover it. */
  async repositoryFor(uri: vscode.Uri): Promise<GitRepository | undefined> {
    const api = await this.gitApi();
    if (!api) return undefined;
    const found = api.getRepository(uri);
    if (found) return found;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (folder && api.openRepository) {
      try {
        return (await api.openRepository(folder.uri)) ?? undefined;
      } catch (error) {
        this.log.debug(`git: could not open a repository at ${folder.uri.toString()}: ${String(error)}`);
      }
    }
    return undefined;
  }

  /** Like repositoryFor, without waiting: for CodeLens, which must answer at once. */
  repositoryForNow(uri: vscode.Uri): GitRepository | undefined {
    if (!this.loaded) void this.gitApi();
    return this.loaded?.getRepository(uri) ?? undefined;
  }

  /** The URL of the origin remote (or the first remote). */
  originUrl(repository: GitRepository): string | undefined {
    const remotes = repository.state.remotes;
    const origin = remotes.find((r) => r.name === 'origin') ?? remotes[0];
    return origin?.fetchUrl ?? origin?.pushUrl;
  }

  /** owner/name of the origin remote (or the first remote), for code links. */
  originRepo(repository: GitRepository): RepoRef | undefined {
    const url = this.originUrl(repository);
    return url ? parseRemoteUrl(url) : undefined;
  }

  /** Whether the commit is on some remote-tracking branch, so that a permalink to it resolves for others. */
  async isPushed(repository: GitRepository, commit: string): Promise<boolean | undefined> {
    const head = repository.state.HEAD;
    if (head?.commit === commit && head.upstream && head.ahead === 0) return true;
    try {
      const branches = await repository.getBranches({ remote: true, contains: commit });
      return branches.some((b) => b.type === REMOTE_HEAD);
    } catch (error) {
      this.log.debug(`git: could not tell whether ${commit.slice(0, 7)} is pushed: ${String(error)}`);
      return undefined;
    }
  }

  /** Path of a file relative to its repository root (forward slashes), or undefined outside it. */
  relativePath(repository: GitRepository | undefined, uri: vscode.Uri): string | undefined {
    const root = repository?.rootUri ?? vscode.workspace.getWorkspaceFolder(uri)?.uri;
    if (!root) return undefined;
    const base = root.path.replace(/\/+$/, '');
    return uri.path.startsWith(`${base}/`) ? uri.path.slice(base.length + 1) : undefined;
  }

  /** Whether a file has changes that are not in HEAD (the permalink then shows an older version). */
  hasChanges(repository: GitRepository, uri: vscode.Uri): boolean {
    const same = (change: { uri: vscode.Uri }) => change.uri.toString() === uri.toString();
    return repository.state.workingTreeChanges.some(same) || repository.state.indexChanges.some(same);
  }

  private gitApi(): Promise<GitApi | undefined> {
    this.api ??= (async () => {
      const extension = vscode.extensions.getExtension<{ getAPI(version: 1): GitApi }>('vscode.git');
      if (!extension) {
        this.log.info('git: the Git extension is not available; code links and the origin remote are off');
        return undefined;
      }
      try {
        const exports = extension.isActive ? extension.exports : await extension.activate();
        const api = exports.getAPI(1);
        if (api.state !== 'initialized') {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 5000);
            const listener = api.onDidChangeState((state) => {
              if (state !== 'initialized') return;
              clearTimeout(timer);
              listener.dispose();
              resolve();
            });
          });
        }
        this.loaded = api;
        return api;
      } catch (error) {
        this.log.warn(`git: the Git extension's API is not available: ${String(error)}`);
        return undefined;
      }
    })();
    return this.api;
  }
}
