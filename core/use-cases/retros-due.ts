// The retros due on recently resolved incidents of the incident repository (see PeopleReminders.retros).
import { PeopleReminders, type RetroDueRow } from './people-reminders';
import type { IncidentContext } from './incident-context';

export class RetrosDue {
  constructor(private readonly ctx: IncidentContext) {}

  /**
   * Retros due on recently resolved incidents of the incident repository (see PeopleReminders.retros): one list
   * request, and one timeline read per incident whose retro is due or overdue.
   */
  async run(): Promise<RetroDueRow[]> {
    const now = this.ctx.now();
    const { gateway, renderer } = this.ctx.deps;
    const closed = await gateway.listIssues({
      labels: [this.ctx.config.labels.incident],
      state: 'closed',
      // By the day, so that polling asks the same question (and GitHub answers 304) all day.
      since: new Date(Math.floor((now.getTime() - 45 * 86_400_000) / 86_400_000) * 86_400_000).toISOString(),
    });
    const people = new PeopleReminders({
      gateway,
      config: this.ctx.config,
      renderer,
      now: () => now,
      authority: this.ctx.authority,
    });
    return (await people.retros(closed, now, [], false)).rows;
  }
}
