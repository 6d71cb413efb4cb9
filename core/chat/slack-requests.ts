// What Slack sends to the one Request URL, verified and parsed into chat requests the use case understands:
// slash commands (form-encoded), interactivity (form field `payload`: view_submission, shortcut) and the Events API
// (JSON: url_verification, event_callback). The signature is checked over the raw bytes before anything is parsed.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChatRequest, FormValues } from './chat-requests';

/** Slack rejects replays older than five minutes; so do we, either way from now. */
export const MAX_SKEW_SECONDS = 5 * 60;

/** Whether `X-Slack-Signature` is `v0=` + HMAC-SHA256(secret, `v0:{timestamp}:{raw body}`) for a recent timestamp. */
export function verifySlackSignature(
  secret: string,
  rawBody: Buffer,
  timestamp: string | undefined,
  signature: string | undefined,
  now: Date = new Date(),
): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return false;
  const expected = Buffer.from(
    `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

type Json = Record<string, unknown>;

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function obj(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

/** A submitted view's values by block id: text, the selected option's value, or a ticked checkbox. */
function viewValues(view: Json): FormValues {
  const values: Record<string, string | boolean> = {};
  for (const [blockId, actions] of Object.entries(obj(obj(view['state'])['values']))) {
    for (const action of Object.values(obj(actions))) {
      const a = obj(action);
      if (a['type'] === 'checkboxes')
        values[blockId] = Array.isArray(a['selected_options']) && a['selected_options'].length > 0;
      else if (a['type'] === 'static_select') values[blockId] = str(obj(a['selected_option'])['value']);
      else if (typeof a['value'] === 'string') values[blockId] = a['value'];
    }
  }
  return values;
}

function interaction(payload: Json): ChatRequest {
  const user = str(obj(payload['user'])['id']);
  switch (payload['type']) {
    case 'shortcut':
    case 'message_action':
      return { type: 'shortcut', id: str(payload['callback_id']), user, trigger: str(payload['trigger_id']) };
    case 'view_submission': {
      const view = obj(payload['view']);
      return {
        type: 'submit',
        form: str(view['callback_id']),
        formId: str(view['id']),
        user,
        values: viewValues(view),
        context: str(view['private_metadata']),
      };
    }
    default:
      return { type: 'ignored', why: `interaction ${str(payload['type']) || 'unknown'}` };
  }
}

function event(body: Json): ChatRequest {
  const e = obj(body['event']);
  if (e['type'] === 'reaction_added') {
    const item = obj(e['item']);
    if (item['type'] !== 'message') return { type: 'ignored', why: 'reaction to something other than a message' };
    return {
      type: 'reaction',
      user: str(e['user']),
      reaction: str(e['reaction']),
      channel: str(item['channel']),
      ts: str(item['ts']),
    };
  }
  return { type: 'ignored', why: `event ${str(e['type']) || 'unknown'}` };
}

/** The request in a verified body (content type decides the form), or `ignored` with why. */
export function parseSlackRequest(rawBody: Buffer, contentType: string): ChatRequest {
  const text = rawBody.toString('utf8');
  if (contentType.includes('application/json') || text.trimStart().startsWith('{')) {
    let body: Json;
    try {
      body = obj(JSON.parse(text));
    } catch {
      return { type: 'invalid', why: 'The body is not JSON.' };
    }
    if (body['type'] === 'url_verification') return { type: 'verify', challenge: str(body['challenge']) };
    if (body['type'] === 'event_callback') return event(body);
    return { type: 'ignored', why: `Events API ${str(body['type']) || 'unknown'}` };
  }
  const form = new URLSearchParams(text);
  const payload = form.get('payload');
  if (payload !== null) {
    try {
      return interaction(obj(JSON.parse(payload)));
    } catch {
      return { type: 'invalid', why: 'The payload field is not JSON.' };
    }
  }
  if (form.has('command')) {
    return {
      type: 'command',
      command: form.get('command') ?? '',
      text: form.get('text') ?? '',
      user: form.get('user_id') ?? '',
      channel: form.get('channel_id') ?? '',
      channelName: form.get('channel_name') ?? '',
      trigger: form.get('trigger_id') ?? '',
      responseUrl: form.get('response_url') ?? '',
    };
  }
  return { type: 'invalid', why: 'Neither a command, an interaction nor an event.' };
}
