// The `firebreak.*` settings, read when needed (they can change at any time). Tokens are never settings.
import * as vscode from 'vscode';
import { DEFAULT_CONFIG_PATH } from '../core/domain/config';
import { GITHUB_API_URL } from '../core/github/github-client';

export const SECTION = 'firebreak';

export interface Settings {
  /** owner/name; empty means: from the config file, else the origin remote. */
  readonly repository: string;
  readonly apiUrl: string;
  readonly pollIntervalSeconds: number;
  readonly updateReminders: boolean;
  readonly configPath: string;
  /** CodeLens and hover of past incidents on the lines their entries referenced. */
  readonly incidentHistory: boolean;
  readonly suggestBreaks: boolean;
  readonly declareReminder: boolean;
  readonly commsNudges: boolean;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    repository: (c.get<string>('repository') ?? '').trim(),
    apiUrl: ((c.get<string>('apiUrl') ?? '').trim() || GITHUB_API_URL).replace(/\/+$/, ''),
    pollIntervalSeconds: Math.max(15, c.get<number>('pollIntervalSeconds') ?? 60),
    updateReminders: c.get<boolean>('updateReminders') ?? true,
    configPath: (c.get<string>('configPath') ?? '').trim() || DEFAULT_CONFIG_PATH,
    incidentHistory: c.get<boolean>('incidentHistory') ?? true,
    suggestBreaks: c.get<boolean>('suggestBreaks') ?? true,
    declareReminder: c.get<boolean>('declareReminder') ?? true,
    commsNudges: c.get<boolean>('commsNudges') ?? true,
  };
}

export function openSettings(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', `@ext:firebreak.firebreak`);
}
