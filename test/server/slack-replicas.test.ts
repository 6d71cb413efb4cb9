// Two `firebreak serve` processes (the built CLI) share nothing but GitHub and Slack: a webhook delivered to one and
// redelivered to the other posts the entry to the incident channel once.
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SANDBOX_BOT_USER } from '../../sandbox/slack/slack-api';
import { useSandbox, wired } from '../support/fixtures';
import { serveProcess } from './support';
import { deliverIssueComment, SLACK_SECRET, SLACK_TOKEN, slackApiUrl, WEBHOOK_SECRET } from './slack-support';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { LogEntry } from '../../core/use-cases/log-entry';

const ROOT = join(__dirname, '..', '..');

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('firebreak serve: Slack across replicas', () => {
  const sandbox = useSandbox({ per: 'test' });

  it('a CLI entry redelivered to another server process is posted to the channel once', async function () {
    this.timeout(120_000);
    execFileSync(process.execPath, ['scripts/build.mjs', '--only', 'cli'], { cwd: ROOT });
    const { service } = wired(sandbox());
    const incident = await new DeclareIncident(service).run({ title: 'Search is slow', severity: 'minor' });
    const channel = sandbox().slack.addChannel(`inc-${incident.number}-search-is-slow`, {
      members: [SANDBOX_BOT_USER],
    });
    await service.append(incident, {
      kind: 'channel',
      key: `slack-channel-${channel.id}`,
      at: new Date().toISOString(),
      by: service.actor,
      chat: 'slack',
      channel: channel.id,
      name: channel.name,
    });
    await new LogEntry(service).run(incident.number, { kind: 'decision', text: 'fail over to the replica' });
    const env = {
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_BOT_TOKEN: SLACK_TOKEN,
      SLACK_API_URL: slackApiUrl(sandbox()),
      FIREBREAK_WEBHOOK_SECRET: WEBHOOK_SECRET,
    };
    const replicas = await Promise.all([serveProcess(sandbox().url, env), serveProcess(sandbox().url, env)]);
    try {
      for (const replica of [...replicas, ...replicas])
        assert.equal(await deliverIssueComment(replica.url, incident.number, 'same-delivery'), 200);
    } finally {
      const codes = await Promise.all(replicas.map((r) => stop(r.child)));
      assert.deepEqual(codes, [0, 0]);
    }
    const posts = channel.messages.filter((m) => m.text.includes('fail over to the replica'));
    assert.equal(posts.length, 1);
    assert.equal(sandbox().slack.callsOf('chat.postMessage').length, 1);
  });
});
