// Past incidents on the code in the editor: resolved incidents whose entries pointed at lines of a file, carried by
// git to the working tree. Loaded only once a session is open (never at activation), at most one list per
// pollIntervalSeconds per repository; a save carries the references again without asking GitHub.
import * as vscode from 'vscode';
import { GitCli } from '../core/git-cli';
import type { Incident } from '../core/domain/incident';
import type { IncidentHistory, PastMention } from '../core/use-cases/incident-history';
import type { GitFacts, GitRepository } from './git';
import type { Session, SessionManager } from './session';
import { readSettings, SECTION } from './settings';

interface RootState {
  session?: Session;
  history?: IncidentHistory;
  incidents: { incident: Incident; private: boolean }[];
  mentions: PastMention[];
  startedAt: number;
  loading?: Promise<void> | undefined;
}

export interface PastIncidentsDeps {
  readonly sessions: SessionManager;
  readonly git: GitFacts;
  readonly log: vscode.LogOutputChannel;
  readonly now?: () => number;
}

export class PastIncidents implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly roots = new Map<string, RootState>();
  private readonly now: () => number;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly deps: PastIncidentsDeps) {
    this.now = deps.now ?? Date.now;
    this.subscriptions = [
      this.changed,
      vscode.workspace.onDidSaveTextDocument((document) => this.recarry(document.uri)),
      // The history setting turned on or off: CodeLens and hover ask again.
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.incidentHistory`)) this.changed.fire();
      }),
    ];
  }

  /** The file's path in its repository and the past mentions on it; starts a load when due (never blocks). */
  mentionsFor(uri: vscode.Uri): { path: string; mentions: PastMention[] } | undefined {
    if (!readSettings().incidentHistory) return undefined;
    const repository = this.deps.git.repositoryForNow(uri);
    const path = this.deps.git.relativePath(repository, uri);
    if (!repository || !path) return undefined;
    const state = this.stateOf(repository);
    this.loadIfDue(repository, state);
    return { path, mentions: state.mentions.filter((m) => m.path === path) };
  }

  /** Mentions for a file, loading first when there are none yet (for the language model tool). */
  async mentionsNow(uri: vscode.Uri): Promise<{ path: string; mentions: PastMention[] } | undefined> {
    const repository = await this.deps.git.repositoryFor(uri);
    const path = this.deps.git.relativePath(repository, uri);
    if (!repository || !path) return undefined;
    const state = this.stateOf(repository);
    this.loadIfDue(repository, state);
    await state.loading;
    return { path, mentions: state.mentions.filter((m) => m.path === path) };
  }

  /** A repaint hint (e.g. the store refreshed): CodeLens asks again, which loads when due. */
  poke(): void {
    this.changed.fire();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private stateOf(repository: GitRepository): RootState {
    const key = repository.rootUri.toString();
    let state = this.roots.get(key);
    if (!state) {
      state = { incidents: [], mentions: [], startedAt: -Infinity };
      this.roots.set(key, state);
    }
    return state;
  }

  private loadIfDue(repository: GitRepository, state: RootState): void {
    const interval = readSettings().pollIntervalSeconds * 1000;
    if (state.loading || this.now() - state.startedAt < interval) return;
    state.loading = (async () => {
      // Only a session the person opened: looking at code never signs in or sends the first request.
      const session = await this.deps.sessions.peek();
      if (!session) return;
      state.startedAt = this.now();
      if (state.session !== session || !state.history) {
        const codeRepo = this.deps.git.originRepo(repository);
        state.session = session;
        state.history = session.history({
          git: new GitCli(repository.rootUri.fsPath),
          ...(codeRepo ? { codeRepo } : {}),
        });
      }
      state.incidents = (await state.history.incidents()).filter(({ incident }) => incident.status === 'resolved');
      state.mentions = (await state.history.carry(state.incidents)).mentions;
      this.changed.fire();
    })()
      .catch((error: unknown) => this.deps.log.warn(`past incidents: ${String(error)}`))
      .finally(() => {
        state.loading = undefined;
      });
  }

  private recarry(uri: vscode.Uri): void {
    const repository = this.deps.git.repositoryForNow(uri);
    const state = repository ? this.roots.get(repository.rootUri.toString()) : undefined;
    if (!state?.history || state.incidents.length === 0 || state.loading) return;
    const history = state.history;
    void history
      .carry(state.incidents)
      .then((carried) => {
        state.mentions = carried.mentions;
        this.changed.fire();
      })
      .catch((error: unknown) => this.deps.log.warn(`past incidents: ${String(error)}`));
  }
}
