// slack/manifest.yml is the Slack app people create: it must name every Web API method's scope, every event, the
// command, the shortcut and the one Request URL that the code uses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPORT_SHORTCUT } from '../../../core/chat/incident-channel';
import { SLACK_PATH } from '../../../server/slack-routes';

const ROOT = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The bot scopes each Web API method needs (Slack's method pages); a method missing here fails the test. */
const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'views.open': [],
  'conversations.create': ['channels:manage', 'groups:write'],
  'conversations.info': ['channels:read', 'groups:read'],
  'conversations.invite': ['channels:manage', 'groups:write'],
  'conversations.setTopic': ['channels:manage', 'groups:write'],
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'chat.postMessage': ['chat:write', 'im:write'],
  'chat.postEphemeral': ['chat:write'],
  'bookmarks.add': ['bookmarks:write'],
  'users.info': ['users:read'],
};
const EVENT_SCOPES: Readonly<Record<string, string>> = {
  reaction_added: 'reactions:read',
  'message.channels': 'channels:history',
  'message.groups': 'groups:history',
};

interface Manifest {
  features: {
    slash_commands: { command: string; url: string; should_escape?: boolean }[];
    shortcuts: { name: string; type: string; callback_id: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
  };
}

describe('slack/manifest.yml', () => {
  const manifest = parse(read('slack/manifest.yml')) as Manifest;
  const scopes = new Set(manifest.oauth_config.scopes.bot);

  it('has the scope of every Web API method the Slack adapter calls', () => {
    const source = read('core/chat/slack-chat.ts');
    const methods = [...source.matchAll(/this\.client\.([a-z]+)\.([A-Za-z]+)\(/g)].map(([, a, b]) => `${a}.${b}`);
    assert.ok(methods.length >= 10, methods.join(', '));
    for (const method of new Set(methods)) {
      const needed = METHOD_SCOPES[method];
      assert.ok(needed, `${method} is called but its scopes are not known to this test`);
      for (const scope of needed) assert.ok(scopes.has(scope), `${method} needs ${scope}`);
    }
    assert.ok(scopes.has('commands'));
  });

  it('subscribes to reaction_added and message.channels/message.groups, with their scopes', () => {
    const events = manifest.settings.event_subscriptions.bot_events;
    assert.ok(read('core/chat/slack-requests.ts').includes("'reaction_added'"));
    for (const [event, scope] of Object.entries(EVENT_SCOPES)) {
      assert.ok(events.includes(event), event);
      assert.ok(scopes.has(scope), `${event} needs ${scope}`);
    }
  });

  it('sends the slash command, the shortcut, interactivity and events to https://<host>/slack/events', () => {
    const url = `https://<host>${SLACK_PATH}`;
    const [command] = manifest.features.slash_commands;
    assert.equal(command?.command, '/incident');
    assert.equal(command?.url, url);
    assert.equal(command?.should_escape, true, 'mentions arrive as <@U…> for lead/comms');
    assert.deepEqual(
      manifest.features.shortcuts.map((s) => [s.name, s.type, s.callback_id]),
      [['Report an incident', 'global', REPORT_SHORTCUT]],
    );
    assert.equal(manifest.settings.interactivity.is_enabled, true);
    assert.equal(manifest.settings.interactivity.request_url, url);
    assert.equal(manifest.settings.event_subscriptions.request_url, url);
  });
});
