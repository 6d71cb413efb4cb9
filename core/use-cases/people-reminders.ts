// The status run's reminders about people rather than updates: a comms lead for major-or-worse incidents, the retro
// when it is due and when it is overdue, and (on an issue-form declaration) the active incidents it may duplicate.
// Each comment carries a key in a marker and is looked for before it is written, so reruns never post twice.
import { formatTime } from '../domain/render';
import { formatDuration } from '../domain/config';
import { GitHubError } from '../domain/errors';
import { entriesFromComments, formatMarker, readIncidentMarker } from '../domain/event-log';
import { LEAD, type Incident } from '../domain/incident';
import { incidentFromIssue } from '../domain/issue-view';
import { userLine } from '../domain/markdown';
import { commsNudgeAt, COMMS_ROLE, retroDue, retroSettled, type RetroStage } from '../domain/people';
import { similarIncidents, similarityReason } from '../domain/similar';
import type { IssueRecord } from '../github/issue-gateway';
import type { UseCaseDeps } from './use-case';
import type { Authority } from '../authority';
import { authorityFor, keyedByWriter, trustForComments, trustForIssue, trustForIssues } from './writers';

export interface PeopleReminder {
  readonly number: number;
  readonly key: string;
  readonly url: string;
  readonly kind: 'comms' | 'retro-due' | 'retro-overdue' | 'similar';
  /** False when an earlier run had posted it already. */
  readonly posted: boolean;
}

export interface RetroDueRow {
  readonly number: number;
  readonly title: string;
  readonly url: string;
  readonly severity: string;
  readonly lead: string;
  readonly resolvedAt: string;
  readonly dueAt: string;
  readonly stage: RetroStage;
}

/** Retros are tracked this long after they were due; after that the incident is left alone. */
const RETRO_TRACKING_MS = 14 * 86_400_000;
/** The overdue reminder goes out when a retro becomes overdue, not days later (e.g. when the workflow is new). */
const REMIND_OVERDUE_WITHIN_MS = 2 * 86_400_000;

export function commsNudgeKey(number: number): string {
  return `comms-nudge-${number}`;
}

export function retroReminderKey(number: number, stage: 'due' | 'overdue'): string {
  return `retro-${stage}-${number}`;
}

export function similarNoteKey(number: number): string {
  return `similar-${number}`;
}

export class PeopleReminders {
  private readonly authority: Authority;

  constructor(private readonly deps: UseCaseDeps) {
    this.authority = authorityFor(deps);
  }

  /**
   * One comment per incident that needs a comms lead and has none (see `commsNudgeAt`). An incident untouched since
   * the nudge was due has no such comment (a comment moves updated_at), so only the others cost a lookup.
   */
  async commsNudges(incidents: readonly Incident[], now: Date, warnings: string[]): Promise<PeopleReminder[]> {
    const { config } = this.deps;
    const out: PeopleReminder[] = [];
    for (const incident of incidents) {
      const at = commsNudgeAt(incident, config);
      if (!at || at.getTime() > now.getTime()) continue;
      const lead = incident.roles[LEAD] ?? incident.declaredBy;
      const within = formatDuration(
        Math.max(1, Math.round((at.getTime() - Date.parse(incident.timestamps.declared)) / 60_000)),
      );
      const text = [
        `📣 **Nobody holds \`${COMMS_ROLE}\` yet.** This \`${incident.severity}\` incident was declared at ` +
          `${formatTime(incident.timestamps.declared)}; \`${incident.severity}\` incidents name a comms lead within ${within}.`,
        '',
        `@${lead}: ask someone to keep stakeholders informed, so you can focus on the incident ` +
          `(\`firebreak role ${incident.number} ${COMMS_ROLE} @login\`, or **Assign Role** in VS Code).`,
      ].join('\n');
      const reminder = await this.postOnce(incident.number, commsNudgeKey(incident.number), 'comms', text, {
        since: at.toISOString(),
        quietSince: Date.parse(incident.updatedAt) < at.getTime() - 60_000,
        warnings,
      });
      if (reminder) out.push(reminder);
    }
    return out;
  }

  /**
   * Retros due among recently closed incidents: listed in the digest, and with `remind`, the lead is reminded once
   * when the retro is due and once when it becomes overdue. A posted retro, or a `retro` entry that says it was
   * skipped, settles it. Cheap by construction: an issue with no comment after what its body folds (`through`, the
   * resolve) has nothing after the resolve, so nothing is read for it; others have only that tail read. The whole
   * timeline is read only right before a reminder is posted (a retro may have been posted before resolving).
   * Reminders whose moment passed long ago (a workflow switched on for a repository with history) are not posted.
   */
  async retros(
    closed: readonly IssueRecord[],
    now: Date,
    warnings: string[],
    remind: boolean,
  ): Promise<{ rows: RetroDueRow[]; reminders: PeopleReminder[] }> {
    const { gateway, config } = this.deps;
    const rows: RetroDueRow[] = [];
    const reminders: PeopleReminder[] = [];
    const trust = await trustForIssues(this.authority, gateway.repo, closed);
    for (const issue of closed) {
      if (issue.stateReason === 'not_planned' || issue.stateReason === 'duplicate') continue;
      const incident = incidentFromIssue({ repo: gateway.repo, issue, config }, trust);
      if (incident.private) continue;
      const due = retroDue(incident, config, now);
      if (!due || now.getTime() - due.dueAt.getTime() > RETRO_TRACKING_MS) continue;
      const row: RetroDueRow = {
        number: incident.number,
        title: incident.title,
        url: incident.url,
        severity: incident.severity,
        lead: incident.roles[LEAD] ?? incident.declaredBy,
        resolvedAt: incident.timestamps.resolved ?? issue.closedAt ?? issue.updatedAt,
        dueAt: due.dueAt.toISOString(),
        stage: due.stage,
      };
      try {
        const through = readIncidentMarker(issue.body)?.through;
        const tail =
          through !== undefined && issue.comments <= through
            ? []
            : await gateway.listComments(incident.number, through !== undefined ? { skip: through } : {});
        const writers = (comments: typeof tail) => trustForComments(this.authority, gateway.repo, comments);
        if (retroSettled(entriesFromComments(tail, await writers(tail)))) continue;
        const stage = due.stage;
        const timely =
          stage === 'due' || (stage === 'overdue' && now.getTime() - due.dueAt.getTime() <= REMIND_OVERDUE_WITHIN_MS);
        if (!remind || stage === 'pending' || !timely) {
          rows.push(row);
          continue;
        }
        const key = retroReminderKey(incident.number, stage);
        const earlier = await keyedByWriter(this.authority, gateway.repo, tail, key);
        if (earlier) {
          rows.push(row);
          reminders.push({ number: incident.number, key, url: earlier.url, kind: `retro-${stage}`, posted: false });
          continue;
        }
        // Before writing: a retro posted before the resolve is not in the tail.
        const all = tail.length === issue.comments ? tail : await gateway.listComments(incident.number);
        if (retroSettled(entriesFromComments(all, await writers(all)))) continue;
        rows.push(row);
        const comment = await gateway.createComment(incident.number, this.retroText(row, stage, key), key);
        reminders.push({ number: incident.number, key, url: comment.url, kind: `retro-${stage}`, posted: true });
      } catch (error) {
        if (!(error instanceof GitHubError)) throw error;
        warnings.push(`Could not check the retro of #${incident.number}: ${error.message}`);
      }
    }
    rows.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
    return { rows, reminders };
  }

  /**
   * On an incident declared from the issue form: a comment naming the active incidents it may duplicate (shared
   * service or similar title), so the two teams find each other. Nothing when there are none.
   */
  async noteSimilar(
    issueNumber: number,
    active: readonly Incident[],
    warnings: string[],
  ): Promise<PeopleReminder | undefined> {
    const { gateway, config } = this.deps;
    const issue = await gateway.getIssue(issueNumber);
    // Declared with Firebreak (its body opens with the incident marker): the declarer was warned already.
    if (readIncidentMarker(issue.body) || !issue.labels.includes(config.labels.incident)) return undefined;
    const incident = incidentFromIssue(
      { repo: gateway.repo, issue, config },
      await trustForIssue(this.authority, gateway.repo, issue),
    );
    const others = active.filter((i) => i.number !== incident.number);
    const candidates = similarIncidents(
      { title: incident.title, services: incident.services, drill: incident.drill, private: incident.private },
      others,
    );
    if (candidates.length === 0) return undefined;
    const text = [
      `👥 **This may be an incident that is already being handled.** Active incidents like this one:`,
      '',
      ...candidates.map(
        (c) =>
          `- [#${c.incident.number} ${userLine(c.incident.title, 120)}](${c.incident.url}) · \`${c.incident.severity}\` · ` +
          `lead @${c.incident.roles[LEAD] ?? c.incident.declaredBy} · ${similarityReason(c)}`,
      ),
      '',
      'If it is the same incident, join that one (log what you see there) and close this issue as a duplicate; ' +
        'one team per incident.',
    ].join('\n');
    return this.postOnce(incident.number, similarNoteKey(incident.number), 'similar', text, {
      since: issue.createdAt,
      quietSince: issue.comments === 0,
      warnings,
    });
  }

  private retroText(row: RetroDueRow, stage: 'due' | 'overdue', key: string): string {
    const when =
      stage === 'due'
        ? `is due by ${formatTime(row.dueAt)}`
        : `was due at ${formatTime(row.dueAt)} and has not been posted`;
    return `${formatMarker('nudge', { key, due: row.dueAt })}\n${[
      `📝 **Retro ${stage === 'due' ? 'due' : 'overdue'}.** The retro of this \`${row.severity}\` incident ${when}; ` +
        `it resolved at ${formatTime(row.resolvedAt)}, and memory fades fast.`,
      '',
      `@${row.lead}: draft it with \`firebreak retro ${row.number}\` (or **Start Retro** in VS Code) and post it. ` +
        `If no retro is needed, say why: \`firebreak retro ${row.number} --skip "why"\`.`,
    ].join('\n')}\n`;
  }

  /** Posts the comment unless a trusted comment with its key exists (looked up unless the issue has been quiet). */
  private async postOnce(
    number: number,
    key: string,
    kind: PeopleReminder['kind'],
    text: string,
    options: { since: string; quietSince: boolean; warnings: string[] },
  ): Promise<PeopleReminder | undefined> {
    const { gateway } = this.deps;
    try {
      const comments = options.quietSince ? [] : await gateway.listComments(number, { since: options.since });
      const earlier = await keyedByWriter(this.authority, gateway.repo, comments, key);
      if (earlier) return { number, key, url: earlier.url, kind, posted: false };
      const body = `${formatMarker('nudge', { key })}\n${text}\n`;
      const comment = await gateway.createComment(number, body, key);
      return { number, key, url: comment.url, kind, posted: true };
    } catch (error) {
      if (!(error instanceof GitHubError)) throw error;
      options.warnings.push(`Could not remind #${number}: ${error.message}`);
      return undefined;
    }
  }
}
