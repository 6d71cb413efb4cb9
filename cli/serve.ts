// `firebreak serve`: the alert receiver (server/). Reads the workspace as every command does, authenticates to
// GitHub as an App or with a token, prints `Listening on http://HOST:PORT`, and stops gracefully on SIGTERM/SIGINT.
import { InputError } from '../core/domain/errors';
import { loadWorkspace, nodeWorkspaceFiles } from '../core/workspace';
import { alertSecretsFrom } from '../server/alert-routes';
import { startAlertServer } from '../server/app';
import { credentialsFrom } from '../server/credentials';
import { webhookSecretFrom } from '../server/github-app';
import { mcpSettingsFrom } from '../server/mcp-routes';
import { slackSettingsFrom } from '../server/slack-routes';
import { stringOption, type Command } from './command';
import { originUrl, repositoryRoot } from './git';

export const serveCommand: Command = {
  name: 'serve',
  standalone: true,
  summary:
    'Serve alerts in (Alertmanager, Grafana, PagerDuty, Datadog, Sentry, any webhook), GitHub App webhooks, Slack and MCP',
  usage:
    'firebreak serve [--port P] [--host H]   (PORT or 8080, 127.0.0.1; secrets: FIREBREAK_ALERT_TOKEN, ' +
    'FIREBREAK_PAGERDUTY_SECRET, FIREBREAK_SENTRY_SECRET, FIREBREAK_WEBHOOK_SECRET, FIREBREAK_MCP_TOKEN ' +
    '[FIREBREAK_MCP_WRITES=1]; Slack: SLACK_SIGNING_SECRET + SLACK_BOT_TOKEN [+ SLACK_API_URL]; GitHub: FIREBREAK_APP_ID + FIREBREAK_APP_PRIVATE_KEY or GITHUB_TOKEN)',
  options: { port: { type: 'string', short: 'p' }, host: { type: 'string' } },
  async run(values, _positionals, ctx) {
    const portText = stringOption(values, 'port') ?? ctx.env['PORT'] ?? '8080';
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535)
      throw new InputError(`Port "${portText}" is not a port number.`, 'Use --port 8080 (or PORT=8080).');
    const host = stringOption(values, 'host') ?? '127.0.0.1';
    const root = repositoryRoot(ctx.cwd) ?? ctx.cwd;
    const workspace = await loadWorkspace({
      files: nodeWorkspaceFiles(root),
      ...(typeof values['config'] === 'string' ? { configPath: values['config'] } : {}),
      ...(typeof values['repo'] === 'string' ? { repository: values['repo'] } : {}),
      ...(typeof values['api-url'] === 'string' ? { apiUrl: values['api-url'] } : {}),
      env: ctx.env,
      originUrl: () => originUrl(root),
      names: { configPath: '--config', repository: '--repo', apiUrl: '--api-url' },
    });
    const secrets = alertSecretsFrom(ctx.env);
    const webhookSecret = webhookSecretFrom(ctx.env);
    const mcp = mcpSettingsFrom(ctx.env);
    const slack = slackSettingsFrom(ctx.env);
    if (Object.keys(secrets).length === 0 && !webhookSecret && !mcp && !slack)
      throw new InputError(
        'Nothing to serve: no alert source, GitHub App webhook, Slack app or MCP token is set.',
        'Set FIREBREAK_ALERT_TOKEN (Alertmanager, Grafana, Datadog, generic), FIREBREAK_PAGERDUTY_SECRET or ' +
          'FIREBREAK_SENTRY_SECRET for alerts, FIREBREAK_WEBHOOK_SECRET for the GitHub App deployment gate, ' +
          'SLACK_SIGNING_SECRET + SLACK_BOT_TOKEN for Slack, or FIREBREAK_MCP_TOKEN for the MCP server.',
      );
    const credentials = await credentialsFrom(ctx.env, workspace.apiUrl, workspace.repository);
    const server = await startAlertServer({
      workspace,
      credentials,
      secrets,
      ...(webhookSecret ? { webhookSecret } : {}),
      ...(mcp ? { mcp } : {}),
      ...(slack ? { slack } : {}),
      port,
      host,
      log: (line) => ctx.io.out(line),
      clientLog: ctx.log,
    });
    ctx.io.out(`Listening on ${server.url}`);
    ctx.log.info(
      `firebreak serve: ${[
        ...server.sources.map((s) => `POST /alerts/${s}`),
        ...(server.webhooks ? [`POST ${server.webhooks}`] : []),
        ...(server.slack ? [`POST ${server.slack}`] : []),
        ...(server.mcp ? [`POST ${server.mcp} (MCP${mcp?.writes ? ', writes allowed' : ', read-only'})`] : []),
      ].join(', ')} -> ` + `${workspace.repository.owner}/${workspace.repository.name} as ${server.actor}`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    ctx.log.info('firebreak serve: stopping; requests in flight finish first.');
    await server.close();
  },
};
