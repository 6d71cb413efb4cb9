// `firebreak sandbox` (a local GitHub-compatible server) and `firebreak drill` (`npm start`): a scripted practice
// incident against an embedded sandbox, so a new user sees the whole flow with no token and no network.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCodeRef, parseRemoteUrl } from '../core/domain/code-ref';
import { InputError } from '../core/domain/errors';
import { connect, incidentContext } from '../core/wiring';
import { loadConfig, nodeWorkspaceFiles } from '../core/workspace';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { stringOption, type Command, type RunContext } from './command';
import { headCommit, originUrl, repositoryRoot } from './git';
import { describeIncident } from './incident-commands';
import { channelName, declaredText } from '../core/chat/channel-text';
import { slackChannel } from '../core/chat/channel-wiring';
import type { Incident } from '../core/domain/incident';
import type { IncidentContext } from '../core/use-cases/incident-context';
import { SANDBOX_BOT_USER } from '../sandbox/slack/slack-api';
import { AssignRole } from '../core/use-cases/assign-role';
import { ChangeSeverity } from '../core/use-cases/change-severity';
import { DeclareIncident } from '../core/use-cases/declare-incident';
import { LogEntry } from '../core/use-cases/log-entry';
import { PostUpdate } from '../core/use-cases/post-update';
import { ResolveIncident } from '../core/use-cases/resolve-incident';
import { ShowIncident } from '../core/use-cases/show-incident';

export const SANDBOX_TOKEN = 'sandbox-token';
const DRILL_REPO = { owner: 'acme', name: 'shop' };

export const sandboxCommand: Command = {
  name: 'sandbox',
  standalone: true,
  summary: 'Start a local GitHub-compatible sandbox server',
  usage: 'firebreak sandbox [--port P] [--state-file FILE]',
  options: { port: { type: 'string', short: 'p' }, 'state-file': { type: 'string' } },
  async run(values, _positionals, ctx) {
    const portText = stringOption(values, 'port') ?? '0';
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new InputError(`--port "${portText}" is not a port number.`);
    const stateFile = stringOption(values, 'state-file');
    const sandbox = await startSandbox({ port, validate: false, ...(stateFile ? { stateFile } : {}) });
    ctx.io.out(
      ctx.json
        ? JSON.stringify({ url: sandbox.url, token: SANDBOX_TOKEN, slackApiUrl: `${sandbox.url}/slack/api/` })
        : [
            `Sandbox listening on ${sandbox.url}`,
            '',
            'Point Firebreak at it:',
            `  export GITHUB_API_URL=${sandbox.url} GITHUB_TOKEN=${SANDBOX_TOKEN}`,
            '  firebreak declare --repo acme/shop --title "Checkout is slow" --severity minor',
            `Its Slack Web API (for firebreak serve): export SLACK_API_URL=${sandbox.url}/slack/api/`,
            '',
            'Press Ctrl+C to stop.',
          ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await sandbox.close();
  },
};

export const drillCommand: Command = {
  name: 'drill',
  standalone: true,
  summary: 'Run a scripted practice incident against an embedded sandbox (no token, no network)',
  usage: 'firebreak drill',
  options: {},
  async run(_values, _positionals, ctx) {
    const sandbox = await startSandbox({ validate: false });
    try {
      await runDrill(sandbox, ctx);
    } finally {
      await sandbox.close();
    }
  },
};

async function runDrill(sandbox: Sandbox, ctx: RunContext): Promise<void> {
  const { io } = ctx;
  const root = repositoryRoot(ctx.cwd) ?? ctx.cwd;
  // The team's own config and templates, against the sandbox's drill repository.
  const loaded = await loadConfig({
    files: nodeWorkspaceFiles(root),
    names: { configPath: '--config', repository: '--repo', apiUrl: '--api-url' },
  });
  const connection = connect(
    { ...loaded, repository: DRILL_REPO, apiUrl: sandbox.url, webUrl: sandbox.webUrl },
    { token: SANDBOX_TOKEN, writeSpacingMs: 0, log: ctx.log },
  );
  const service = incidentContext(connection, { actor: 'firebreak-dev' });

  // A change on a loaded incident answers in one round trip (the comment and the view together); one read follows in
  // the background to check nobody wrote in between. It is counted with its change, not with whatever step is next.
  let mark = sandbox.requests.length;
  const step = async (text: string) => {
    const answered = sandbox.requests.length - mark;
    await service.settle();
    const checked = sandbox.requests.length - mark - answered;
    mark = sandbox.requests.length;
    const after = checked > 0 ? `, then ${checked} read${checked === 1 ? '' : 's'} to check the view held` : '';
    io.out(`  ✔ ${text}  (${answered} request${answered === 1 ? '' : 's'}${after})`);
  };

  io.out(`Firebreak drill: a practice incident against an embedded GitHub sandbox at ${sandbox.url}\n`);
  let incident = await new DeclareIncident(service).run({
    title: 'Checkout requests time out',
    description: 'Customers report that paying takes more than 30 s; some payments fail.',
    drill: true,
  });
  await step(
    `Declared drill #${incident.number} "${incident.title}" as ${incident.severity}, lead @${incident.roles['lead']}`,
  );
  const channel = await openDrillChannel(sandbox, service, incident);
  step(`Opened the incident channel #${channel.name} in the sandbox's Slack, recorded on the timeline`);

  await new LogEntry(service).run(incident, {
    kind: 'observation',
    text: 'p95 latency of POST /checkout went from 300 ms to 28 s at 10:02 UTC.',
  });
  await step('Logged an observation');

  const code = drillCodeRef(root, sandbox.webUrl);
  await new LogEntry(service).run(incident, {
    kind: 'theory',
    text: 'The retry loop in the declare path might hammer the API when it is slow.',
    ...(code ? { code } : {}),
  });
  await step(
    code ? `Logged a theory with a permalink to ${code.path}#L${code.startLine}-L${code.endLine}` : 'Logged a theory',
  );

  incident = await new ChangeSeverity(service).run(incident, 'major', 'About 20% of checkouts fail.');
  await step('Changed severity to major (deploys freeze)');

  incident = await new AssignRole(service).run(incident, 'comms', 'octo-comms');
  await step('Gave the comms role to @octo-comms');

  await new LogEntry(service).run(incident, {
    kind: 'action',
    text: 'Restarted the payment workers (drill: nothing was restarted).',
    destructive: true,
  });
  await step('Logged a destructive action, with what and why');

  await new LogEntry(service).run(incident, {
    kind: 'decision',
    text: "Roll back to yesterday's release before looking for the root cause.",
  });
  await step('Logged a decision: stop the bleeding first');

  incident = await new PostUpdate(service).run(incident, {
    text: 'Rolled back; checkout latency is back to normal. Watching error rates.',
    status: 'monitoring',
  });
  await step('Posted an update: monitoring');

  incident = await new AssignRole(service).run(incident, 'lead', 'octo-lead', 'End of shift.');
  await step('Handed the lead over to @octo-lead');

  incident = await new ResolveIncident(service).run(
    incident,
    'Error rates are normal for 30 minutes. Resolved; the retro follows.',
  );
  await step('Resolved and closed the incident');

  const shown = await new ShowIncident(service).run(incident.number);
  await step('Read the incident back, folded from its timeline');

  io.out(`\n${describeIncident(shown)}\n`);
  io.out('─── The issue as GitHub shows it ───\n');
  const issue = sandbox.store
    .issues(`${DRILL_REPO.owner}/${DRILL_REPO.name}`)
    .find((i) => i.number === incident.number);
  io.out(stripMarkers(`# ${issue?.title ?? incident.title}\n\n${issue?.body ?? ''}`));
  for (const entry of shown.timeline) {
    const comment = sandbox.store
      .comments(`${DRILL_REPO.owner}/${DRILL_REPO.name}`, incident.number)
      .find((c) => c.id === entry.commentId);
    if (comment) io.out(`---\n**@${comment.user.login}** commented:\n\n${stripMarkers(comment.body)}`);
  }
  io.out("\n─── What the incident channel received (the sandbox's Slack) ───\n");
  const chat = slackChannel(connection, 'firebreak-dev', {
    botToken: 'xoxb-drill',
    apiUrl: `${sandbox.url}/slack/api/`,
  });
  await chat.sync(incident.number);
  for (const message of channel.messages) io.out(`#${channel.name}  ${message.text}`);
  io.out(`Topic: ${channel.topic}`);
  io.out(
    [
      '',
      '─── Next ───',
      'Run Firebreak against a real repository:',
      '  export GITHUB_TOKEN=$(gh auth token)        # a token with issues: write',
      '  npx firebreak declare --repo OWNER/REPO --title "What is wrong" --severity minor',
      'Or install the VS Code extension (npm run package) and run "Firebreak: Declare Incident".',
      'Configure severities, roles and services in .github/incidents.yml (see README.md).',
    ].join('\n'),
  );
}

function drillCodeRef(root: string, webUrl: string) {
  const path = 'core/incident-service.ts';
  const commit = headCommit(root);
  const file = join(root, path);
  if (!commit || !existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const line = text.split('\n').findIndex((l) => l.includes('async declare(')) + 1;
  if (line < 1) return undefined;
  const remote = originUrl(root);
  return buildCodeRef({
    repo: (remote && parseRemoteUrl(remote)) || { owner: 'firebreak', name: 'firebreak' },
    webUrl,
    commit,
    path,
    startLine: line,
    endLine: line + 4,
    fileText: text,
  });
}

/** What `/incident` in Slack does after the declare: the channel, its first message, the timeline entry. */
async function openDrillChannel(sandbox: Sandbox, service: IncidentContext, incident: Incident) {
  const channel = sandbox.slack.addChannel(channelName(incident), { members: [SANDBOX_BOT_USER] });
  const key = `slack-channel-${channel.id}`;
  sandbox.slack.addMessage(channel.id, SANDBOX_BOT_USER, declaredText(incident));
  await service.append(incident, {
    kind: 'channel',
    key,
    at: new Date().toISOString(),
    by: service.actor,
    chat: 'slack',
    channel: channel.id,
    name: channel.name,
  });
  return channel;
}

function stripMarkers(markdown: string): string {
  return markdown.replace(/<!-- firebreak:[a-z-]+ \{.*?\} -->\n?/g, '').trim();
}
