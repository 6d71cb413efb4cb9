// Log an entry (action, observation, decision, question, theory): one request, a comment; the view does not change,
// except the code label on the first entry that points at code.
import { InputError } from '../domain/errors';
import { isLogKind, type CodeRef, type LogKind, type TimelineEntry } from '../domain/incident';
import { hasLabel } from '../domain/issue-view';
import { stripControl } from '../domain/markdown';
import type { IncidentContext, IncidentRef } from './incident-context';

export interface LogInput {
  readonly kind: LogKind;
  readonly text: string;
  readonly destructive?: boolean;
  readonly code?: CodeRef;
  /** Reuse a key to make a retry (e.g. from an offline queue) land once. */
  readonly key?: string;
  /** When it happened, if earlier than now (queued offline). */
  readonly at?: string;
}

export class LogEntry {
  constructor(private readonly ctx: IncidentContext) {}

  /**
   * Logs an entry: one request (a comment). The body does not change, so nothing else is written, except the code
   * label on the first entry that points at code.
   */
  async run(ref: IncidentRef, input: LogInput): Promise<TimelineEntry> {
    if (!isLogKind(input.kind))
      throw new InputError(
        `Unknown entry kind "${String(input.kind)}".`,
        'Use action, observation, decision, question or theory.',
      );
    const text = stripControl(input.text).trim();
    if (!text) throw new InputError('The entry is empty.', 'Write what you did, saw, decided, asked or suspect.');
    const entry: TimelineEntry = {
      kind: input.kind,
      ...this.ctx.stamp(input.key, input.at),
      text,
      ...(input.destructive ? { destructive: true } : {}),
      ...(input.code ? { code: input.code } : {}),
    };
    if (!input.code || (typeof ref !== 'number' && hasLabel(ref.otherLabels, this.ctx.config.labels.code)))
      return this.ctx.append(ref, entry);
    // The first reference to code also labels the incident, so history lists only those (see hasCodeRefs). Both go
    // out together; the label is a view like the others, so a failed one does not fail the entry: `repair` (or the
    // next change, which finds the view behind) puts it on.
    const { gateway, number } = this.ctx.locate(ref);
    const [posted] = await Promise.all([
      this.ctx.append(ref, entry),
      gateway.addLabels(number, [this.ctx.config.labels.code]).catch(() => undefined),
    ]);
    return posted;
  }
}
