// A signed-in session on one incident repository: the gateway and the incident service, built on first use so
// that activating the extension costs no request. Rebuilt when settings, the config file or the sign-in change.
import type { FirebreakConfig } from '../core/domain/config';
import type { Logger } from '../core/github/github-client';
import type { IncidentContext } from '../core/use-cases/incident-context';
import type { RepoRef } from '../core/domain/incident';
import type { IssueGateway } from '../core/github/issue-gateway';
import type { IncidentHistory } from '../core/use-cases/incident-history';
import { connect, incidentHistory, incidentContext, type Connection, type HistoryOptions } from '../core/wiring';

export interface SessionInputs {
  /** Never logged, never stored outside SecretStorage or the auth provider. */
  readonly token: string;
  readonly apiUrl: string;
  readonly repo: RepoRef;
  readonly config: FirebreakConfig;
  /** Template overrides from the repository (file name without .hbs -> text). */
  readonly templates: Readonly<Record<string, string>>;
  readonly log: Logger;
  readonly retryBaseMs?: number;
  readonly writeSpacingMs?: number;
}

export interface Session {
  readonly service: IncidentContext;
  readonly gateway: IssueGateway;
  readonly config: FirebreakConfig;
  readonly repo: RepoRef;
  readonly apiUrl: string;
  /** Web base for permalinks (https://github.com, https://HOST for GHES, the sandbox URL in tests). */
  readonly webUrl: string;
  readonly actor: string;
  /** Past incidents in a checkout's code (CodeLens, hover, the history tool), over this session's connection. */
  history(options: HistoryOptions): IncidentHistory;
  /** The connection the use cases beyond the service are built on (suspects, revert, roll back). */
  readonly connection?: Connection;
}

/** Builds the gateway and service through the shared wiring; one request (who am I) to learn the actor. */
export async function openSession(inputs: SessionInputs): Promise<Session> {
  const connection = connect(
    { config: inputs.config, templates: inputs.templates, repository: inputs.repo, apiUrl: inputs.apiUrl },
    {
      token: inputs.token,
      log: inputs.log,
      userAgent: 'firebreak-vscode',
      retries: 2,
      timeoutMs: 20_000,
      // The offline queue retries writes durably, so a person should not wait through long in-call retries.
      createAttempts: 2,
      ...(inputs.retryBaseMs !== undefined ? { retryBaseMs: inputs.retryBaseMs } : {}),
      ...(inputs.writeSpacingMs !== undefined ? { writeSpacingMs: inputs.writeSpacingMs } : {}),
    },
  );
  const actor = await connection.gateway.currentUser();
  return {
    service: incidentContext(connection, { actor }),
    gateway: connection.gateway,
    config: inputs.config,
    repo: inputs.repo,
    apiUrl: inputs.apiUrl,
    webUrl: connection.webUrl,
    actor,
    history: (options) => incidentHistory(connection, options),
    connection,
  };
}

export interface SessionSource {
  /** Everything a session needs; signs in when `interactive` (undefined: not signed in, or the person cancelled). */
  inputs(interactive: boolean): Promise<SessionInputs | undefined>;
}

/** Hands out one session at a time, built lazily; `reset` drops it when its inputs changed. */
export class SessionManager {
  private pending: Promise<Session | undefined> | undefined;
  private generation = 0;

  constructor(
    private readonly source: SessionSource,
    private readonly open: (inputs: SessionInputs) => Promise<Session> = openSession,
  ) {}

  /** The session, signing in first when `interactive`; undefined when there is none and none was made. */
  async get(interactive: boolean): Promise<Session | undefined> {
    if (this.pending) {
      const existing = await this.pending.catch(() => undefined);
      if (existing) return existing;
    }
    const generation = ++this.generation;
    const attempt = (async () => {
      const inputs = await this.source.inputs(interactive);
      return inputs ? this.open(inputs) : undefined;
    })();
    this.pending = attempt;
    try {
      const session = await attempt;
      if (!session && this.generation === generation) this.pending = undefined;
      return session;
    } catch (error) {
      if (this.generation === generation) this.pending = undefined;
      throw error;
    }
  }

  /** The session if one is open already; never signs in, never sends a request. */
  async peek(): Promise<Session | undefined> {
    return this.pending ? this.pending.catch(() => undefined) : undefined;
  }

  reset(): void {
    this.generation++;
    this.pending = undefined;
  }
}
