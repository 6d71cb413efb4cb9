// The incident channel through `firebreak serve`: signed Slack requests against the sandbox's Slack and GitHub.
import assert from 'node:assert/strict';
import { DEFAULT_USERS } from '../../sandbox/server';
import { startAlertServer } from '../../server/app';
import { credentialsFrom } from '../../server/credentials';
import { ADMIN_TOKEN, REPO, useSandbox, wired } from '../support/fixtures';
import {
  commandBody,
  declareSubmission,
  deliverIssueComment,
  interactionBody,
  postSlack,
  reactionEvent,
  slackConfig,
  slackServer,
  until,
  type SlackTestServer,
} from './slack-support';
import { ChangeSeverity } from '../../core/use-cases/change-severity';
import { LogEntry } from '../../core/use-cases/log-entry';
import { ShowIncident } from '../../core/use-cases/show-incident';

const USERS = [...DEFAULT_USERS, { login: 'octo-reader', permission: 'read' as const }];

describe('firebreak serve: Slack (POST /slack/events)', function () {
  this.timeout(60_000);
  const sandbox = useSandbox({ per: 'test', users: USERS });
  let server: SlackTestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const start = async () => (server = await slackServer(sandbox()));
  const incidentComments = (n: number) => wired(sandbox()).gateway.listComments(n);

  /** Declares through the modal as ULEAD and waits for the channel to be recorded on the incident. */
  async function declareFromModal(s: SlackTestServer, title = 'Checkout returns 500s') {
    const response = await postSlack(s.url, declareSubmission({ title, severity: 'major' }));
    assert.equal(response.status, 200);
    const issue = await until(async () => {
      const [found] = await wired(sandbox()).gateway.listIssues({ labels: ['incident'], state: 'all' });
      if (!found) return undefined;
      const comments = await incidentComments(found.number);
      return comments.some((c) => c.body.includes('"kind":"channel"')) ? found : undefined;
    });
    const channel = [...sandbox().slack.channels.values()].find(
      (c) => c.name.startsWith(`inc-${issue.number}-`) && c.bookmarks.length > 0,
    );
    assert.ok(channel, 'the incident channel exists');
    return { issue, channel };
  }

  it('exists only when SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are set (404 otherwise)', async () => {
    const plain = await startAlertServer({
      workspace: { config: slackConfig(), repository: REPO, apiUrl: sandbox().url },
      credentials: await credentialsFrom({ GITHUB_TOKEN: ADMIN_TOKEN }, sandbox().url, REPO),
      secrets: { token: 'x' },
      port: 0,
      log: () => {},
    });
    try {
      assert.equal((await postSlack(plain.url, 'command=/incident')).status, 404);
    } finally {
      await plain.close();
    }
  });

  it('echoes the url_verification challenge of a signed request', async () => {
    const s = await start();
    const body = JSON.stringify({ type: 'url_verification', token: 't', challenge: 'c-123' });
    const response = await postSlack(s.url, body, { contentType: 'application/json' });
    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.text), { challenge: 'c-123' });
  });

  it('unsigned, wrongly signed and stale requests answer 401 and nothing is done', async () => {
    const s = await start();
    const body = commandBody(sandbox(), '');
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const answers = await Promise.all([
      postSlack(s.url, body, { signature: null }),
      postSlack(s.url, body, { signature: 'v0=' + '0'.repeat(64) }),
      postSlack(s.url, body, { timestamp: stale }),
      postSlack(s.url, body, { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 }),
      postSlack(s.url, declareSubmission({ title: 'forged' }), { signature: null }),
    ]);
    assert.deepEqual(
      answers.map((a) => a.status),
      [401, 401, 401, 401, 401],
    );
    await s.close();
    server = undefined;
    assert.deepEqual(sandbox().slack.calls, []);
    assert.deepEqual(await wired(sandbox()).gateway.listIssues({ state: 'all' }), []);
  });

  it('/incident is acknowledged in < 300 ms and opens the declare modal: Title, Severity, descriptions', async () => {
    const s = await start();
    const response = await postSlack(s.url, commandBody(sandbox(), ''));
    assert.equal(response.status, 200);
    assert.ok(response.ms < 300, `acknowledged in ${Math.round(response.ms)} ms`);
    const view = await until(() => sandbox().slack.views[0]);
    const blocks = view['blocks'] as { block_id: string; label: { text: string }; element: Record<string, unknown> }[];
    assert.ok(blocks.some((b) => b.label.text.includes('Title')));
    const severity = blocks.find((b) => b.label.text.includes('Severity'));
    const options = severity?.element['options'] as { value: string; description?: { text: string } }[];
    assert.deepEqual(
      options.map((o) => o.value),
      slackConfig().severities.map((sev) => sev.name),
    );
    assert.ok(options.every((o) => o.description && o.description.text.length > 0));
  });

  it('a form Slack refuses to open (expired trigger) is answered with what to do', async () => {
    const s = await start();
    sandbox().slack.failNext('views.open', 'expired_trigger_id');
    await postSlack(s.url, commandBody(sandbox(), 'declare db is down'));
    const answer = await until(() => sandbox().slack.responses[0]?.body);
    assert.match(String(answer['text']), /did not open the form.*run the command again/);
  });

  it('a slow GitHub never delays the acknowledgement', async () => {
    const s = await start();
    const { channel } = await declareFromModal(s);
    sandbox().setLatency(1500);
    const response = await postSlack(
      s.url,
      commandBody(sandbox(), 'log observation errors dropping', { channel: channel.id, channelName: channel.name }),
    );
    assert.equal(response.status, 200);
    assert.ok(response.ms < 300, `acknowledged in ${Math.round(response.ms)} ms`);
    await until(() => sandbox().slack.responses.length > 0 && sandbox().slack.responses.at(-1));
    sandbox().setLatency(0);
  });

  it('declaring from the modal: issue, channel inc-N-slug with the link, declarer invited; 4 Slack calls', async () => {
    const s = await start();
    const { issue, channel } = await declareFromModal(s);
    assert.equal(channel.name, `inc-${issue.number}-checkout-returns-500s`);
    assert.ok(channel.members.includes('ULEAD'));
    assert.ok(channel.bookmarks.some((b) => b.link === issue.url));
    assert.ok(channel.messages.some((m) => m.text.includes(issue.url)));
    assert.deepEqual(
      sandbox().slack.calls.map((c) => c.method),
      ['conversations.create', 'conversations.invite', 'chat.postMessage', 'bookmarks.add'],
    );
    const incident = await new ShowIncident(wired(sandbox()).service).run(issue.number);
    assert.equal(incident.severity, 'major');
    assert.equal(incident.roles['lead'], 'octo-lead');
    const recorded = incident.timeline.find((e) => e.kind === 'channel');
    assert.ok(recorded && recorded.kind === 'channel' && recorded.channel === channel.id);
  });

  it('a taken channel name gets a suffix', async () => {
    const s = await start();
    sandbox().slack.addChannel('inc-1-checkout-returns-500s');
    const { channel } = await declareFromModal(s);
    assert.equal(channel.name, 'inc-1-checkout-returns-500s-2');
  });

  it('in the channel: log, severity, lead, break and resolve change the incident for a linked writer', async () => {
    const s = await start();
    const { issue, channel } = await declareFromModal(s);
    const run = async (text: string) => {
      const before = sandbox().slack.responses.length;
      const r = await postSlack(
        s.url,
        commandBody(sandbox(), text, { channel: channel.id, channelName: channel.name }),
      );
      assert.equal(r.status, 200);
      return until(() => sandbox().slack.responses[before]?.body);
    };
    await run('log action rolled back the deploy');
    await run('severity critical');
    await run('comms <@UCOMMS|octo-comms>');
    await run('break 10');
    const resolved = await run('resolve rollback fixed it');
    assert.equal(resolved['response_type'], 'in_channel');
    const incident = await new ShowIncident(wired(sandbox()).service).run(issue.number);
    assert.equal(incident.severity, 'critical');
    assert.equal(incident.roles['comms'], 'octo-comms');
    assert.equal(incident.status, 'resolved');
    const logged = incident.timeline.find((e) => e.kind === 'action');
    assert.equal(logged?.via?.login, 'octo-lead');
    const help = await run('dance');
    assert.match(String(help['text']), /log/);
    assert.notEqual(help['response_type'], 'in_channel');
  });

  it('/incident update opens a form (status, text, publish?) whose submission posts the update', async () => {
    const s = await start();
    const { issue, channel } = await declareFromModal(s);
    await postSlack(
      s.url,
      commandBody(sandbox(), 'update rolled back', { channel: channel.id, channelName: channel.name }),
    );
    const view = await until(() => sandbox().slack.views.find((v) => v['callback_id'] === 'firebreak_update'));
    const blocks = view['blocks'] as { block_id: string; element: { initial_value?: string } }[];
    assert.deepEqual(
      blocks.map((b) => b.block_id),
      ['status', 'text', 'public'],
    );
    assert.equal(blocks[1]?.element.initial_value, 'rolled back');
    await postSlack(
      s.url,
      interactionBody({
        type: 'view_submission',
        user: { id: 'ULEAD' },
        view: {
          id: 'VUPDATE1',
          callback_id: 'firebreak_update',
          private_metadata: String(view['private_metadata']),
          state: {
            values: {
              status: { status: { type: 'static_select', selected_option: { value: 'monitoring' } } },
              text: { text: { type: 'plain_text_input', value: 'Rolled back; watching error rates.' } },
              public: { public: { type: 'checkboxes', selected_options: [] } },
            },
          },
        },
      }),
    );
    await until(() => channel.messages.find((m) => m.text.includes('watching error rates')));
    const incident = await new ShowIncident(wired(sandbox()).service).run(issue.number);
    assert.equal(incident.status, 'monitoring');
    assert.equal(incident.lastUpdate?.text, 'Rolled back; watching error rates.');
    await until(() => channel.topic.includes('monitoring'));
  });

  it('an unlinked user, or one linked to a login without push access, cannot change state', async () => {
    const s = await start();
    const { issue, channel } = await declareFromModal(s);
    for (const user of ['USUPPORT', 'UREADER']) {
      const before = sandbox().slack.responses.length;
      await postSlack(
        s.url,
        commandBody(sandbox(), 'severity critical', { user, channel: channel.id, channelName: channel.name }),
      );
      const answer = await until(() => sandbox().slack.responses[before]?.body);
      assert.match(String(answer['text']), /slack: users:/);
    }
    assert.equal((await new ShowIncident(wired(sandbox()).service).run(issue.number)).severity, 'major');
  });

  it('an unlinked user may declare: a request at triage, and is told how to get linked', async () => {
    const s = await start();
    await postSlack(
      s.url,
      declareSubmission({ title: 'Customers cannot log in', severity: 'critical' }, { user: 'USUPPORT' }),
    );
    const ephemeral = await until(() => sandbox().slack.ephemerals.find((e) => e.user === 'USUPPORT'));
    assert.match(ephemeral.text, /USUPPORT: <your-github-login>/);
    const [issue] = await wired(sandbox()).gateway.listIssues({ labels: ['incident'], state: 'all' });
    assert.ok(issue);
    const incident = await new ShowIncident(wired(sandbox()).service).run(issue.number);
    assert.equal(incident.severity, 'triage');
    assert.match(incident.description, /Sam Support|sam-support/);
  });

  it('a reacted message becomes one entry across Slack retries and duplicate deliveries', async () => {
    const s = await start();
    const { issue, channel } = await declareFromModal(s);
    channel.members.push('UCOMMS');
    const message = sandbox().slack.addMessage(channel.id, 'UCOMMS', 'p99 latency back under 300 ms');
    const event = reactionEvent('ULEAD', channel.id, message.ts);
    const deliveries = await Promise.all([
      postSlack(s.url, event, { contentType: 'application/json' }),
      postSlack(s.url, event, { contentType: 'application/json' }),
    ]);
    assert.deepEqual(
      deliveries.map((d) => d.status),
      [200, 200],
    );
    await until(async () => (await incidentComments(issue.number)).some((c) => c.body.includes('p99 latency')));
    for (const retry of ['1', '2']) {
      const r = await postSlack(s.url, event, {
        contentType: 'application/json',
        headers: { 'x-slack-retry-num': retry, 'x-slack-retry-reason': 'http_timeout' },
      });
      assert.equal(r.status, 200);
    }
    await s.close();
    server = undefined;
    const comments = (await incidentComments(issue.number)).filter((c) => c.body.includes('p99 latency'));
    assert.equal(comments.length, 1);
    const incident = await new ShowIncident(wired(sandbox()).service).run(issue.number);
    const entry = incident.timeline.find((e) => 'text' in e && e.text.includes('p99 latency'));
    assert.equal(entry?.via?.login, 'octo-comms');
    assert.match(comments[0]?.body ?? '', /@octo-comms via Slack/);
  });

  it('a reaction by someone not linked writes nothing', async () => {
    const s = await start();
    const { issue, channel } = await declareFromModal(s);
    channel.members.push('USUPPORT');
    const message = sandbox().slack.addMessage(channel.id, 'USUPPORT', 'is it down for everyone?');
    await postSlack(s.url, reactionEvent('USUPPORT', channel.id, message.ts), { contentType: 'application/json' });
    await until(() => sandbox().slack.ephemerals.find((e) => e.user === 'USUPPORT'));
    assert.ok(!(await incidentComments(issue.number)).some((c) => c.body.includes('down for everyone')));
  });

  it('a CLI entry reaches the channel once across redeliveries; channel entries are not posted back', async () => {
    const s = await start();
    const { issue, channel } = await declareFromModal(s);
    channel.members.push('UCOMMS');
    const message = sandbox().slack.addMessage(channel.id, 'UCOMMS', 'from the channel');
    await postSlack(s.url, reactionEvent('ULEAD', channel.id, message.ts), { contentType: 'application/json' });
    await until(async () => (await incidentComments(issue.number)).some((c) => c.body.includes('from the channel')));
    await new LogEntry(wired(sandbox()).service).run(issue.number, {
      kind: 'action',
      text: 'drained the queue',
      destructive: true,
    });
    sandbox().slack.reset();
    for (const delivery of ['d1', 'd1', 'd2'])
      assert.equal(await deliverIssueComment(s.url, issue.number, delivery), 200);
    const posts = channel.messages.filter((m) => m.text.includes('drained the queue'));
    assert.equal(posts.length, 1);
    assert.match(posts[0]?.text ?? '', /DESTRUCTIVE/);
    assert.equal(channel.messages.filter((m) => m.text.includes('from the channel')).length, 1);
    // The budget: one post, and one read per delivery to check what the channel has.
    assert.equal(sandbox().slack.callsOf('chat.postMessage').length, 1);
    assert.equal(sandbox().slack.callsOf('conversations.history').length, 3);
  });

  it('a state change from another face updates the topic: severity, status and lead', async () => {
    const s = await start();
    const { issue, channel } = await declareFromModal(s);
    await new ChangeSeverity(wired(sandbox()).service).run(issue.number, 'critical');
    assert.equal(await deliverIssueComment(s.url, issue.number, 'd3'), 200);
    assert.match(channel.topic, /critical/);
    assert.match(channel.topic, /declared|investigating/);
    assert.match(channel.topic, /octo-lead/);
  });

  it('the global shortcut "Report an incident" opens the same modal', async () => {
    const s = await start();
    await postSlack(
      s.url,
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'shortcut',
          callback_id: 'firebreak_report',
          trigger_id: 't1',
          user: { id: 'USUPPORT' },
        }),
      }).toString(),
    );
    const view = await until(() => sandbox().slack.views[0]);
    assert.equal(view['callback_id'], 'firebreak_declare');
  });
});
