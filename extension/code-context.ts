// The code in the active editor for flows: the selected lines, the file's path in its repository, HEAD and
// whether it is pushed; and files of the repository (CODEOWNERS).
import * as vscode from 'vscode';
import type { ActiveCode, CodeContext } from './flows/context';
import type { GitFacts } from './git';
import { readText, type WorkspaceConfig } from './workspace-config';

export class EditorCodeContext implements CodeContext {
  constructor(
    private readonly git: GitFacts,
    private readonly workspace: WorkspaceConfig,
  ) {}

  async activeCode(): Promise<ActiveCode | undefined> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.scheme === 'untitled' || editor.document.uri.scheme === 'output')
      return undefined;
    const { document, selection } = editor;
    const repository = await this.git.repositoryFor(document.uri);
    const path = this.git.relativePath(repository, document.uri);
    if (!path) return undefined;
    // A selection that ends at the start of a line (whole lines selected with Shift+Down) does not include it.
    const endLine =
      selection.end.character === 0 && selection.end.line > selection.start.line
        ? selection.end.line
        : selection.end.line + 1;
    const commit = repository?.state.HEAD?.commit;
    const codeRepo = repository ? this.git.originRepo(repository) : undefined;
    const pushed = repository && commit ? await this.git.isPushed(repository, commit) : undefined;
    return {
      path,
      fileText: document.getText(),
      dirty: document.isDirty || (repository ? this.git.hasChanges(repository, document.uri) : false),
      ...(selection.isEmpty ? {} : { selection: { startLine: selection.start.line + 1, endLine } }),
      ...(commit ? { commit } : {}),
      ...(codeRepo ? { codeRepo } : {}),
      ...(pushed !== undefined ? { pushed } : {}),
    };
  }

  async readRepoFile(candidates: readonly string[]): Promise<{ path: string; text: string } | undefined> {
    const folder = this.workspace.folder;
    if (!folder) return undefined;
    const editor = vscode.window.activeTextEditor;
    const repository = await this.git.repositoryFor(editor?.document.uri ?? folder.uri);
    const root = repository?.rootUri ?? folder.uri;
    for (const path of candidates) {
      const text = await readText(vscode.Uri.joinPath(root, path));
      if (text !== undefined) return { path, text };
    }
    return undefined;
  }
}
