// The status run's catch-up of incident channels (the Action's `mode: status` with SLACK_BOT_TOKEN): what the
// channel missed is posted once, with an overdue-update reminder, against the sandbox's Slack and GitHub.
import assert from 'node:assert/strict';
import { authorityOver } from '../../../core/authority';
import { catchUpChannels } from '../../../core/chat/channel-wiring';
import { IncidentChannel } from '../../../core/chat/incident-channel';
import { SlackChat } from '../../../core/chat/slack-chat';
import { incidentContext } from '../../../core/wiring';
import { SANDBOX_BOT_USER } from '../../../sandbox/slack/slack-api';
import { useSandbox, wired } from '../../support/fixtures';
import { DeclareIncident } from '../../../core/use-cases/declare-incident';
import { LogEntry } from '../../../core/use-cases/log-entry';

describe('incident channel catch-up (status run)', () => {
  const sandbox = useSandbox({ per: 'test' });

  it('posts what the channel missed and an overdue reminder once; a deleted channel is skipped', async () => {
    const { connection, service } = wired(sandbox());
    const incident = await new DeclareIncident(service).run({ title: 'Queue backlog', severity: 'critical' });
    const channel = sandbox().slack.addChannel(`inc-${incident.number}-queue-backlog`, { members: [SANDBOX_BOT_USER] });
    await service.append(incident, {
      kind: 'channel',
      key: `slack-channel-${channel.id}`,
      at: new Date().toISOString(),
      by: service.actor,
      chat: 'slack',
      channel: channel.id,
      name: channel.name,
    });
    await new LogEntry(service).run(incident.number, { kind: 'observation', text: 'consumers are stuck' });
    const later = new Date(Date.now() + 6 * 3600_000);
    const chat = new IncidentChannel({
      chat: new SlackChat({ token: 'xoxb-test', apiUrl: `${sandbox().url}/slack/api/` }),
      config: connection.config,
      repo: connection.gateway.repo,
      service: (via) => incidentContext(connection, { actor: 'firebreak-dev', ...(via ? { via } : {}) }),
      authority: () => authorityOver((repo, login) => connection.gatewayFor(repo).canPush(login)),
      now: () => later,
    });
    const first = await catchUpChannels(chat, [incident.number]);
    assert.deepEqual(first, { posted: 2, failures: [] });
    assert.ok(channel.messages.some((m) => m.text.includes('consumers are stuck')));
    assert.ok(channel.messages.some((m) => m.text.includes('Update overdue')));
    assert.deepEqual(await catchUpChannels(chat, [incident.number]), { posted: 0, failures: [] });
    sandbox().slack.channels.delete(channel.id);
    await new LogEntry(service).run(incident.number, { kind: 'observation', text: 'after the channel was deleted' });
    assert.deepEqual(await catchUpChannels(chat, [incident.number]), { posted: 0, failures: [] });
  });
});
