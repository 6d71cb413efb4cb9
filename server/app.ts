// The server's composition root: workspace + credentials -> the core objects (core/wiring.ts, as every face) ->
// the route table -> the HTTP server.
import { silentLogger, type Logger } from '../core/github/github-client';
import { AlertIntake } from '../core/use-cases/alerts';
import { connect, incidentService, type ConnectOptions, type WiringWorkspace } from '../core/wiring';
import { alertRoutes, enabledSources, type AlertSecrets } from './alert-routes';
import type { ServerCredentials } from './credentials';
import type { Route } from './routes';
import { startServer, type RunningServer } from './serve';

export interface AlertServerOptions {
  readonly workspace: WiringWorkspace;
  readonly credentials: ServerCredentials;
  readonly secrets: AlertSecrets;
  readonly port?: number;
  readonly host?: string;
  /** One JSON line per request. */
  readonly log?: (line: string) => void;
  /** GitHub client logging (retries, rate limits). */
  readonly clientLog?: Logger;
  /** Client tuning (spacing, retries); the product's defaults otherwise. */
  readonly client?: Omit<ConnectOptions, 'token' | 'authStrategy' | 'client'>;
  /**
   * More routes on the same server. This is where `POST /github/webhooks` mounts once server/github-app.ts exists:
   * `{ method: 'POST', path: '/github/webhooks', handle: (rawBody, headers) => githubAppWebhook(rawBody, headers) }`.
   */
  readonly routes?: readonly Route[];
}

export interface AlertServer extends RunningServer {
  readonly actor: string;
  /** The alert sources with a secret set (the others answer 404). */
  readonly sources: readonly string[];
}

export async function startAlertServer(options: AlertServerOptions): Promise<AlertServer> {
  const connection = connect(options.workspace, {
    ...options.client,
    ...options.credentials.options,
    log: options.clientLog ?? silentLogger,
    userAgent: 'firebreak-serve',
  });
  const actor = await options.credentials.actor(connection);
  const service = incidentService(connection, { actor });
  const intake = new AlertIntake({
    config: connection.config,
    gateway: connection.gateway,
    renderer: connection.renderer,
    service,
  });
  const server = await startServer({
    routes: [...alertRoutes(intake, options.secrets), ...(options.routes ?? [])],
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  return { ...server, actor, sources: [...enabledSources(options.secrets).keys()] };
}
