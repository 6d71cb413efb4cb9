// Call a break for the team: a `break` entry with its length and who called it (one request).
import { InputError } from '../domain/errors';
import type { TimelineEntry } from '../domain/incident';
import { stripControl } from '../domain/markdown';
import { DEFAULT_BREAK_MINUTES } from '../domain/people';
import type { IncidentContext, IncidentRef } from './incident-context';

export class CallBreak {
  constructor(private readonly ctx: IncidentContext) {}

  /** Calls a break for the team: a `break` entry with its length and who called it (one request). */
  async run(ref: IncidentRef, input: { minutes?: number; text?: string; key?: string } = {}): Promise<TimelineEntry> {
    const minutes = input.minutes ?? DEFAULT_BREAK_MINUTES;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 240)
      throw new InputError(`A break of ${minutes} minutes?`, 'Give a break length from 1 to 240 minutes, e.g. 15.');
    const text = stripControl(input.text ?? '').trim();
    return this.ctx.append(ref, { kind: 'break', ...this.ctx.stamp(input.key), minutes, ...(text ? { text } : {}) });
  }
}
