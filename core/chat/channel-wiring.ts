// Builds the incident channel (incident-channel.ts) over a connection as every face builds its use cases: the Slack
// adapter, the incident use cases writing for the person in the chat, and a fresh Authority per request.
import { authorityOver } from '../authority';
import { describeError } from '../domain/errors';
import { incidentContext, type Connection } from '../wiring';
import { IncidentChannel } from './incident-channel';
import { SlackChat } from './slack-chat';

export interface SlackConnection {
  readonly botToken: string;
  /** SLACK_API_URL (the sandbox's `/slack/api/` in tests and drills). */
  readonly apiUrl?: string;
}

export function slackChannel(connection: Connection, actor: string, slack: SlackConnection): IncidentChannel {
  return new IncidentChannel({
    chat: new SlackChat({ token: slack.botToken, ...(slack.apiUrl ? { apiUrl: slack.apiUrl } : {}) }),
    config: connection.config,
    repo: connection.gateway.repo,
    service: (via) => incidentContext(connection, { actor, ...(via ? { via } : {}) }),
    authority: () => authorityOver((repo, login) => connection.gatewayFor(repo).canPush(login)),
  });
}

/** The status run's catch-up: each active incident's channel gets what it missed. One failure stops no other. */
export async function catchUpChannels(
  channel: IncidentChannel,
  numbers: readonly number[],
): Promise<{ posted: number; failures: { number: number; error: string }[] }> {
  let posted = 0;
  const failures: { number: number; error: string }[] = [];
  for (const number of numbers) {
    try {
      posted += await channel.sync(number);
    } catch (error) {
      failures.push({ number, error: describeError(error) });
    }
  }
  return { posted, failures };
}
