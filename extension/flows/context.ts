// What every command flow gets: the prompter, the session, the store, the offline queue, the code in the editor and
// the host (browser, documents, other commands). Flows import no `vscode`, so tests drive them against the sandbox.
import { buildCodeRef } from '../../core/domain/code-ref';
import type { Logger } from '../../core/github/github-client';
import { repoSlug, type CodeRef, type Incident, type RepoRef } from '../../core/domain/incident';
import type { OfflineQueue } from '../../core/use-cases/offline-queue';
import type { IncidentStore } from '../incident-store';
import { incidentDescription, unacknowledgedFirst } from '../presentation';
import type { Session } from '../session';
import type { Prompter } from './prompter';
import { COMMANDS, type CommandId } from '../ids';
import type { PeoplePreferences } from './people';
import { ShowIncident } from '../../core/use-cases/show-incident';

/** The file in the active editor, as git knows it. */
export interface ActiveCode {
  /** owner/name of the repository the file is in (from its origin remote), when it has one. */
  readonly codeRepo?: RepoRef;
  /** Relative to the repository root (or the workspace folder outside git), forward slashes. */
  readonly path: string;
  /** 1-based, inclusive; absent when nothing is selected. */
  readonly selection?: { readonly startLine: number; readonly endLine: number };
  /** HEAD commit of the file's repository. */
  readonly commit?: string;
  readonly fileText: string;
  /** Whether HEAD is on a remote branch; undefined when it could not be told. */
  readonly pushed?: boolean;
  /** Unsaved edits or changes not committed: the permalink shows the committed version. */
  readonly dirty: boolean;
}

export interface CodeContext {
  activeCode(): Promise<ActiveCode | undefined>;
  /** The first of these repository-relative files that exists, with its text. */
  readRepoFile(candidates: readonly string[]): Promise<{ path: string; text: string } | undefined>;
}

export interface Host {
  openUrl(url: string): Promise<void>;
  /** Opens an untitled Markdown document with this content. */
  openMarkdown(content: string): Promise<void>;
  /** Runs another command (follow-up actions of notifications). */
  execute(command: CommandId, ...args: unknown[]): Promise<void>;
}

export interface FlowContext {
  readonly prompter: Prompter;
  /** The session; signs in first if needed. Undefined when the person cancelled signing in. */
  session(): Promise<Session | undefined>;
  readonly store: IncidentStore;
  readonly queue: OfflineQueue;
  readonly code: CodeContext;
  readonly host: Host;
  readonly now: () => Date;
  readonly log: Logger;
  /** Which human-side prompts are on (settings); all of them when absent. */
  readonly preferences?: () => PeoplePreferences;
}

/** An incident passed by a tree item or CodeLens: the incident itself or its number. */
export type IncidentArg = Incident | number | undefined;

/** Non-empty text of at most `max` characters. */
export function requiredText(what: string, max: number, example?: string): (value: string) => string | undefined {
  return (value) => {
    const text = value.trim();
    if (!text) return `${what} cannot be empty${example ? `: ${example}` : '.'}`;
    if (text.length > max) return `Keep it under ${max} characters (now ${text.length}).`;
    return undefined;
  };
}

export function optionalText(max: number): (value: string) => string | undefined {
  return (value) =>
    value.trim().length > max ? `Keep it under ${max} characters (now ${value.trim().length}).` : undefined;
}

/**
 * The incident a command acts on: the one passed in (tree, CodeLens), else the current one, else the person
 * picks among the active ones (and it becomes current). Undefined when there is none or the person cancelled.
 */
export async function targetIncident(
  ctx: FlowContext,
  session: Session,
  arg: IncidentArg,
  doing: string,
): Promise<Incident | undefined> {
  if (typeof arg === 'object') return arg;
  if (typeof arg === 'number') return ctx.store.find(arg) ?? (await new ShowIncident(session.service).run(arg));
  const current = ctx.store.current;
  if (current && repoSlug(current.repo) === repoSlug(session.repo)) return current;
  if (ctx.store.state !== 'loaded' || ctx.store.repo !== repoSlug(session.repo)) {
    await ctx.prompter.progress('Loading active incidents…', () => ctx.store.refresh(session));
  }
  const active = unacknowledgedFirst(ctx.store.incidents);
  if (active.length === 0) {
    void ctx.prompter.info(`No active incidents in ${repoSlug(session.repo)}.`, 'Declare incident').then((choice) => {
      if (choice) return ctx.host.execute(COMMANDS.declareIncident);
    });
    return undefined;
  }
  const now = ctx.now();
  const picked = await ctx.prompter.pick({
    title: `${doing}: which incident?`,
    placeholder: 'Pick the incident (it becomes your current incident)',
    items: active.map((incident) => ({
      label: incident.title,
      description: incidentDescription(incident, now),
      value: incident,
    })),
    matchOnDescription: true,
  });
  if (picked) await ctx.store.setCurrent(picked);
  return picked;
}

/** The session and the incident a command acts on; undefined when not signed in, or no incident was chosen. */
export async function sessionAndIncident(
  ctx: FlowContext,
  arg: IncidentArg,
  doing: string,
): Promise<{ session: Session; incident: Incident } | undefined> {
  const session = await ctx.session();
  if (!session) return undefined;
  const incident = await targetIncident(ctx, session, arg, doing);
  return incident ? { session, incident } : undefined;
}

/** A permalink to the selected lines at HEAD, with the warnings the person should see. */
export function codeRefFor(session: Session, active: ActiveCode | undefined): { code?: CodeRef; warnings: string[] } {
  if (!active?.selection) return { warnings: [] };
  if (!active.commit) {
    return {
      warnings: [
        `${active.path} is not in a git repository with a commit: the entry is logged without a link to the code.`,
      ],
    };
  }
  const code = buildCodeRef({
    repo: active.codeRepo ?? session.repo,
    webUrl: session.webUrl,
    commit: active.commit,
    path: active.path,
    startLine: active.selection.startLine,
    endLine: active.selection.endLine,
    fileText: active.fileText,
  });
  const warnings: string[] = [];
  const short = active.commit.slice(0, 7);
  if (active.pushed === false) {
    warnings.push(
      `Commit ${short} is not on any remote branch: the permalink to ${active.path} will not resolve for others until you push it.`,
    );
  }
  if (active.dirty)
    warnings.push(
      `${active.path} has changes that are not committed: the permalink shows the file as it is at ${short}.`,
    );
  return { code, warnings };
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
