// CodeLens on the lines a suspect of the current incident changed: "changed by #123 (deployed 14:02, suspect 1)".
// The lines are the suspect commit's own hunks (git diff --unified=0 against its parent) in the checkout.
import { execFile } from 'node:child_process';
import { relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { addedRanges } from '../../core/domain/suspects';
import type { IncidentStore } from '../incident-store';
import type { WhatChanged } from './what-changed';

export class SuspectLens implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(
    private readonly store: IncidentStore,
    private readonly whatChanged: WhatChanged,
    private readonly root: string,
  ) {
    this.onDidChangeCodeLenses = whatChanged.onDidChange;
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const current = this.store.current;
    const result = current ? this.whatChanged.loaded(current) : undefined;
    if (!result?.deployed || document.uri.scheme !== 'file') return [];
    const path = relative(this.root, document.uri.fsPath).split(sep).join('/');
    // Local time, as the person reads clocks in the editor.
    const time = new Date(result.deployed.deployedAt).toTimeString().slice(0, 5);
    const lenses: vscode.CodeLens[] = [];
    for (const [i, suspect] of result.suspects.entries()) {
      if (!suspect.files.includes(path)) continue;
      const diff = await this.diff(suspect.sha, path);
      const by = suspect.pr ? `#${suspect.pr.number}` : suspect.sha.slice(0, 7);
      for (const { start } of addedRanges(diff)) {
        if (start > document.lineCount) continue;
        lenses.push(
          new vscode.CodeLens(new vscode.Range(start - 1, 0, start - 1, 0), {
            title: `changed by ${by} (deployed ${time}, suspect ${i + 1})`,
            tooltip: suspect.reasons.join('\n'),
            command: suspect.pr ? 'vscode.open' : '',
            arguments: suspect.pr ? [vscode.Uri.parse(suspect.pr.url)] : [],
          }),
        );
      }
    }
    return lenses;
  }

  private diff(sha: string, path: string): Promise<string> {
    return new Promise((resolve) => {
      execFile(
        'git',
        ['diff', '--no-color', '--no-ext-diff', '--unified=0', `${sha}^`, sha, '--', path],
        { cwd: this.root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
        (error, stdout) => resolve(error ? '' : stdout),
      );
    });
  }
}
