// Opening files for the person: the incident config (from a config error) and the code an entry links to.
import * as vscode from 'vscode';
import { repoSlug, type CodeRef } from '../../core/domain/incident';
import type { GitFacts } from '../git';
import { readSettings } from '../settings';
import type { WorkspaceConfig } from '../workspace-config';

/** Opens the config file; a missing one opens as a new file at its place, started with the key most need first. */
export async function openConfigFile(workspaceConfig: WorkspaceConfig): Promise<void> {
  const folder = workspaceConfig.folder;
  if (!folder) return;
  const file = vscode.Uri.joinPath(folder.uri, readSettings().configPath);
  const exists = await vscode.workspace.fs.stat(file).then(
    () => true,
    () => false,
  );
  const document = exists
    ? await vscode.workspace.openTextDocument(file)
    : await vscode.workspace.openTextDocument(file.with({ scheme: 'untitled' }));
  const editor = await vscode.window.showTextDocument(document);
  if (!exists && document.getText() === '')
    await editor.insertSnippet(new vscode.SnippetString('repository: ${1:owner/name}\n'));
}

/** Opens the linked lines in the workspace when the file is there (same repository), else the permalink. */
export async function openCodeRef(
  code: CodeRef,
  { workspaceConfig, git, log }: { workspaceConfig: WorkspaceConfig; git: GitFacts; log: vscode.LogOutputChannel },
): Promise<void> {
  const folder = workspaceConfig.folder;
  const repository = folder ? await git.repositoryFor(folder.uri) : undefined;
  const origin = repository ? git.originRepo(repository) : undefined;
  const root = repository?.rootUri ?? folder?.uri;
  if (root && (!origin || repoSlug(origin).toLowerCase() === code.repo.toLowerCase())) {
    const uri = vscode.Uri.joinPath(root, code.path);
    try {
      await vscode.workspace.fs.stat(uri);
      const lastLine = Math.max(code.startLine, code.endLine) - 1;
      await vscode.window.showTextDocument(uri, {
        selection: new vscode.Range(code.startLine - 1, 0, lastLine, Number.MAX_SAFE_INTEGER),
        preview: true,
      });
      return;
    } catch {
      log.info(`${code.path} is not in this workspace; opening the permalink`);
    }
  }
  await vscode.env.openExternal(vscode.Uri.parse(code.permalink));
}
