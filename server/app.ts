// The server's composition root: workspace + credentials -> the core objects (core/wiring.ts, as every face) ->
// the route table -> the HTTP server.
import { silentLogger, type Logger } from '../core/github/github-client';
import { alertIntake, connect, deploymentGate, type ConnectOptions, type WiringWorkspace } from '../core/wiring';
import { alertRoutes, enabledSources, type AlertSecrets } from './alert-routes';
import type { ServerCredentials } from './credentials';
import { githubAppRoutes, WEBHOOK_PATH } from './github-app';
import { agentPort } from './mcp/agent-port';
import { MCP_PATH, mcpRoutes, type McpSettings } from './mcp-routes';
import { slackChannel } from '../core/chat/channel-wiring';
import { BackgroundWork, SLACK_PATH, slackRoutes, type SlackSettings } from './slack-routes';
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
  /** FIREBREAK_WEBHOOK_SECRET: enables `POST /github/webhooks` (the GitHub App's deployment gate). */
  readonly webhookSecret?: string;
  /** FIREBREAK_MCP_TOKEN (and FIREBREAK_MCP_WRITES): enables `POST /mcp`, the MCP server over Streamable HTTP. */
  readonly mcp?: McpSettings;
  /** SLACK_SIGNING_SECRET + SLACK_BOT_TOKEN: enables `POST /slack/events` and channel posts on webhooks. */
  readonly slack?: SlackSettings;
  /** More routes on the same server. */
  readonly routes?: readonly Route[];
}

export interface AlertServer extends RunningServer {
  readonly actor: string;
  /** The alert sources with a secret set (the others answer 404). */
  readonly sources: readonly string[];
  /** The GitHub App webhook path when its secret is set. */
  readonly webhooks?: string;
  /** The MCP path when its token is set. */
  readonly mcp?: string;
  /** The Slack Request URL's path when Slack is set up. */
  readonly slack?: string;
}

export async function startAlertServer(options: AlertServerOptions): Promise<AlertServer> {
  const connection = connect(options.workspace, {
    ...options.client,
    ...options.credentials.options,
    log: options.clientLog ?? silentLogger,
    userAgent: 'firebreak-serve',
  });
  const actor = await options.credentials.actor(connection);
  // The credentials' own login (the token's user, or the App's bot): Firebreak itself, trusted without a request.
  connection.authority.trustAsSelf(actor);
  const intake = alertIntake(connection, actor);
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const channel = options.slack
    ? slackChannel(connection, actor, { botToken: options.slack.botToken, apiUrl: options.slack.apiUrl })
    : undefined;
  const background = new BackgroundWork(log);
  const slack =
    options.slack && channel
      ? slackRoutes({ signingSecret: options.slack.signingSecret, handle: (r) => channel.handle(r), background })
      : [];
  const appRoutes = githubAppRoutes({
    gate: deploymentGate(connection),
    secret: options.webhookSecret,
    incidentRepos: [connection.gateway.repo, ...(connection.privateGateway ? [connection.privateGateway.repo] : [])],
    ...(channel ? { chatSync: (n: number) => channel.sync(n) } : {}),
  });
  const agentRoutes = mcpRoutes(options.mcp, agentPort({ connection, actor: () => Promise.resolve(actor) }));
  const server = await startServer({
    routes: [
      ...alertRoutes(intake, options.secrets),
      ...appRoutes,
      ...slack,
      ...agentRoutes,
      ...(options.routes ?? []),
    ],
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    log,
  });
  return {
    ...server,
    actor,
    sources: [...enabledSources(options.secrets).keys()],
    ...(appRoutes.length > 0 ? { webhooks: WEBHOOK_PATH } : {}),
    ...(agentRoutes.length > 0 ? { mcp: MCP_PATH } : {}),
    ...(slack.length > 0 ? { slack: SLACK_PATH } : {}),
    async close() {
      await server.close();
      await background.drain();
    },
  };
}
