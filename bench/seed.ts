// Seeds a sandbox through its store (no HTTP), fast enough for 10,000 closed incidents: issues and comments are
// made exactly as Firebreak writes them (body marker, labels, entry markers), backdated so nothing looks fresh.
// It looks like a repository a team uses: active incidents hold their roles (comms included), resolved ones their
// retro.
import { defaultConfig, type FirebreakConfig } from '../core/domain/config';
import { fold } from '../core/domain/event-log';
import type { Declaration, LogKind, Milestone, TimelineEntry } from '../core/domain/incident';
import { assigneesFor, labelsFor } from '../core/domain/issue-view';
import { createRenderer, renderEntryComment, renderIncidentBody, type Renderer } from '../core/domain/render';
import type { Sandbox } from '../sandbox/server';
import type { IssueRecord } from '../sandbox/store';

export const ACTOR = 'firebreak-dev';
export const TOKEN = 'sandbox-token';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Closed incidents are resolved one per day going back, so the 90-day metrics window holds at most 90 of them. */
export const CLOSED_PER_DAY = 1;
/**
 * A resolved incident's retro is looked after for this long (3 days to hold it, then 14 days of tracking, see
 * people-reminders.ts): the status run reads what came after the resolve of each incident resolved this recently.
 */
export const RETRO_TRACKED_DAYS = 17;

/** How many of `closed` incidents resolved `perDay` a day were resolved within the retro's tracking time. */
export function retrosTracked(closed: number, perDay = CLOSED_PER_DAY): number {
  return Math.min(closed, RETRO_TRACKED_DAYS * perDay - 1);
}
/** Who holds the roles of active incidents besides the lead: a small on-call roster, taken in turn. */
const ROSTER = ['octo-ana', 'octo-ben', 'octo-chen', 'octo-dara', 'octo-eli', 'octo-fay'] as const;
const SEVERITIES = ['critical', 'major', 'minor'] as const;
const LOG_KINDS: readonly LogKind[] = ['observation', 'action', 'theory', 'decision', 'question'];

export interface Seeder {
  readonly sandbox: Sandbox;
  readonly config: FirebreakConfig;
  readonly renderer: Renderer;
  /** The seeding clock: everything is placed relative to it. */
  readonly now: Date;
}

export function seeder(sandbox: Sandbox, now = new Date()): Seeder {
  return { sandbox, config: defaultConfig(), renderer: createRenderer(), now };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function declaration(key: string, title: string, severity: string, declaredAt: number): Declaration {
  return {
    key,
    title,
    description: `Seeded by the benchmark. ${title} affects a share of requests; the team is on it.`,
    severity,
    lead: ACTOR,
    declaredBy: ACTOR,
    declaredAt: iso(declaredAt),
    private: false,
    drill: false,
    services: [],
  };
}

function createIncident(
  s: Seeder,
  repo: string,
  decl: Declaration,
  entries: readonly TimelineEntry[],
  open: boolean,
  /** Comments the body folds, as Firebreak records it: 0 when the entries are seeded into the body alone. */
  through = 0,
): IssueRecord {
  const state = fold(decl, entries);
  return s.sandbox.store.createIssueDirect(repo, {
    title: decl.title,
    body: renderIncidentBody(decl, state, s.config, s.renderer, through),
    labels: labelsFor(state, s.config),
    assignees: assigneesFor(state),
    author: ACTOR,
    state: open ? 'open' : 'closed',
    createdAt: new Date(decl.declaredAt),
  });
}

function update(key: string, at: number, text: string, status?: Milestone): TimelineEntry {
  return { kind: 'update', key, at: iso(at), by: ACTOR, text, ...(status ? { status } : {}) };
}

/**
 * Closed incidents `from`..`to`-1, resolved `perDay` a day going back from the seeding clock. Each is written as
 * Firebreak leaves it: the mitigation and the resolve as comments the body folds, then the retro, posted after the
 * resolve (a comment the body does not fold, as `firebreak retro N --post` writes it).
 */
export function seedClosed(s: Seeder, repo: string, from: number, to: number, perDay = CLOSED_PER_DAY): void {
  for (let i = from; i < to; i++) {
    const resolvedAt = s.now.getTime() - (i + 1) * (DAY / perDay);
    const declaredAt = resolvedAt - (1 + (i % 6)) * HOUR;
    const decl = declaration(`seed-closed-${i}`, `Closed incident ${i}`, SEVERITIES[i % 3] ?? 'minor', declaredAt);
    const entries = [
      update(`seed-closed-${i}-m`, declaredAt + 30 * MINUTE, 'Mitigated; watching.', 'monitoring'),
      update(`seed-closed-${i}-r`, resolvedAt, 'Resolved.', 'resolved'),
    ];
    const retro: TimelineEntry = {
      kind: 'retro',
      key: `seed-closed-${i}-retro`,
      at: iso(resolvedAt + HOUR),
      by: ACTOR,
      text: `# Retro of incident ${i}\n\nWhat happened, what helped, and what we change.\n`,
    };
    const issue = createIncident(s, repo, decl, entries, false, entries.length);
    comment(s, repo, issue.number, [...entries, retro]);
  }
}

function comment(s: Seeder, repo: string, issueNumber: number, entries: readonly TimelineEntry[]): void {
  for (const entry of entries)
    s.sandbox.store.createCommentDirect(repo, issueNumber, {
      body: renderEntryComment(entry, s.renderer),
      author: ACTOR,
      createdAt: new Date(entry.at),
    });
}

/** The roles an active incident holds from its first minutes: the lead (the declarer), comms and a scribe. */
function roles(key: string, declaredAt: number, i: number): TimelineEntry[] {
  const person = (n: number) => ROSTER[(i + n) % ROSTER.length] ?? ACTOR;
  return [
    { kind: 'role', key: `${key}-comms`, at: iso(declaredAt + 3 * MINUTE), by: ACTOR, role: 'comms', login: person(0) },
    {
      kind: 'role',
      key: `${key}-scribe`,
      at: iso(declaredAt + 4 * MINUTE),
      by: ACTOR,
      role: 'scribe',
      login: person(1),
    },
  ];
}

export interface ActiveOptions {
  /** Index of the first incident (numbers the titles and keys). */
  readonly from: number;
  readonly count: number;
  /** How many of them are overdue for an update (critical, last update 45 minutes ago). */
  readonly overdue: number;
}

/**
 * Active incidents declared in the last hours, each with its lead, comms and scribe. Those not overdue had an update
 * 5 minutes ago (due 25+ minutes from now at the shortest cadence), so they stay on time for the whole run; overdue
 * ones are critical (30m cadence) with the last update 45 minutes ago.
 */
export function seedActive(s: Seeder, repo: string, options: ActiveOptions): IssueRecord[] {
  const now = s.now.getTime();
  const made: IssueRecord[] = [];
  for (let k = 0; k < options.count; k++) {
    const i = options.from + k;
    const overdue = k < options.overdue;
    const declaredAt = now - (2 * HOUR + i * MINUTE);
    const severity = overdue ? 'critical' : (SEVERITIES[i % 3] ?? 'minor');
    const decl = declaration(`seed-active-${i}`, `Active incident ${i}`, severity, declaredAt);
    const lastUpdate = overdue ? now - 45 * MINUTE : now - 5 * MINUTE;
    made.push(
      createIncident(
        s,
        repo,
        decl,
        [
          ...roles(`seed-active-${i}`, declaredAt, i),
          update(`seed-active-${i}-u`, lastUpdate, 'Investigating.', 'investigating'),
        ],
        true,
      ),
    );
  }
  return made;
}

/**
 * An active incident with a long timeline: `entries` comments (comms and scribe named first, then log entries with
 * an update every 50th), spread over
 * the last two days, the latest update 3 minutes ago.
 */
export function seedLongIncident(s: Seeder, repo: string, entries: number): IssueRecord {
  const now = s.now.getTime();
  const declaredAt = now - 2 * DAY;
  const decl = declaration('seed-long', 'Checkout errors (long-running)', 'major', declaredAt);
  // Its first entries name comms and a scribe; the rest are log entries and updates.
  const timeline: TimelineEntry[] = roles('seed-long', declaredAt, 0).slice(0, entries);
  const span = now - 3 * MINUTE - declaredAt;
  for (let n = timeline.length; n < entries; n++) {
    const at = declaredAt + Math.round(((n + 1) / entries) * span);
    const key = `seed-long-${n}`;
    const last = n === entries - 1;
    timeline.push(
      last || n % 50 === 49
        ? update(
            key,
            at,
            `Update ${n}: error rate is down to ${Math.max(1, 40 - n / 25).toFixed(1)}%; next update within the hour.`,
            'investigating',
          )
        : {
            kind: LOG_KINDS[n % LOG_KINDS.length] ?? 'observation',
            key,
            at: iso(at),
            by: ACTOR,
            text: `Entry ${n}: p95 of POST /checkout is ${300 + (n % 97) * 7} ms on node ${n % 12}.`,
          },
    );
  }
  const issue = createIncident(s, repo, decl, timeline, true, timeline.length);
  comment(s, repo, issue.number, timeline);
  return issue;
}

/** A resolved incident whose retro comment lists `items` unchecked action items with owners and due dates. */
export function seedRetro(s: Seeder, repo: string, items: number): IssueRecord {
  const now = s.now.getTime();
  const decl = declaration('seed-retro', 'Payments outage (retro done)', 'critical', now - 3 * DAY);
  const entries = [update('seed-retro-r', now - 2 * DAY, 'Resolved.', 'resolved')];
  const issue = createIncident(s, repo, decl, entries, false);
  const lines = Array.from(
    { length: items },
    (_, n) =>
      `- [ ] Action item ${n + 1}: add an alert for failure mode ${n + 1} @octo-lead due:2030-01-${String((n % 28) + 1).padStart(2, '0')} priority:P2 type:corrective`,
  );
  const retro: TimelineEntry = {
    kind: 'retro',
    key: 'seed-retro-doc',
    at: iso(now - DAY),
    by: ACTOR,
    text: `# Retro\n\nWhat happened, and what we change.\n\n## Action items\n\n${lines.join('\n')}\n`,
  };
  s.sandbox.store.createCommentDirect(repo, issue.number, {
    body: renderEntryComment(retro, s.renderer),
    author: ACTOR,
    createdAt: new Date(retro.at),
  });
  return issue;
}

/**
 * Resolved history for `mode: review`: `count` incidents resolved three a day going back (all within a year), of
 * which the first `withCode` have a log entry pointing at code (and the code label, as logging it adds).
 */
export function seedCodeHistory(s: Seeder, repo: string, count: number, withCode: number): IssueRecord[] {
  const made: IssueRecord[] = [];
  for (let i = 0; i < count; i++) {
    const resolvedAt = s.now.getTime() - (i + 1) * (DAY / 3);
    const declaredAt = resolvedAt - 2 * HOUR;
    const decl = declaration(`seed-code-${i}`, `Past incident ${i}`, SEVERITIES[i % 3] ?? 'minor', declaredAt);
    const log: TimelineEntry = {
      kind: 'action',
      key: `seed-code-${i}-a`,
      at: iso(declaredAt + 20 * MINUTE),
      by: ACTOR,
      text: `Rolled back deploy ${4700 + i}.`,
      code: {
        repo: repo,
        path: `src/module-${i % 20}.ts`,
        startLine: 10 + (i % 50),
        endLine: 14 + (i % 50),
        commit: 'a'.repeat(40),
        permalink: `https://github.com/${repo}/blob/${'a'.repeat(40)}/src/module-${i % 20}.ts#L${10 + (i % 50)}`,
      },
    };
    const resolved = update(`seed-code-${i}-r`, resolvedAt, 'Resolved.', 'resolved');
    const code = i < withCode;
    const timeline = code ? [log, resolved] : [resolved];
    const state = fold(decl, timeline);
    const issue = s.sandbox.store.createIssueDirect(repo, {
      title: decl.title,
      body: renderIncidentBody(decl, state, s.config, s.renderer, timeline.length),
      labels: [...labelsFor(state, s.config), ...(code ? [s.config.labels.code] : [])],
      assignees: assigneesFor(state),
      author: ACTOR,
      state: 'closed',
      createdAt: new Date(decl.declaredAt),
    });
    for (const entry of timeline)
      s.sandbox.store.createCommentDirect(repo, issue.number, {
        body: renderEntryComment(entry, s.renderer),
        author: ACTOR,
        createdAt: new Date(entry.at),
      });
    made.push(issue);
  }
  return made;
}

/**
 * Incidents with public updates (on the status page): `active` still open and `resolved` resolved in the last days,
 * each with `updates` public update comments. Their services are public components of `config`.
 */
export function seedPublished(
  s: Seeder,
  repo: string,
  options: { readonly active: number; readonly resolved: number; readonly updates: number; services?: string[] },
): IssueRecord[] {
  const now = s.now.getTime();
  const made: IssueRecord[] = [];
  for (let i = 0; i < options.active + options.resolved; i++) {
    const open = i < options.active;
    const declaredAt = open ? now - (3 * HOUR + i * MINUTE) : now - (i + 2) * DAY;
    const decl = {
      ...declaration(`seed-published-${i}`, `Published incident ${i}`, SEVERITIES[i % 3] ?? 'minor', declaredAt),
      services: options.services ?? [],
      publicTitle: `Customers see incident ${i}`,
    };
    const timeline: TimelineEntry[] = [];
    for (let n = 0; n < options.updates; n++) {
      const at = declaredAt + (n + 1) * 10 * MINUTE;
      timeline.push({
        kind: 'update',
        key: `seed-published-${i}-${n}`,
        at: iso(at),
        by: ACTOR,
        text: `Public update ${n} on incident ${i}.`,
        public: true,
        ...(n === 0 ? { status: 'investigating' as const } : {}),
      });
    }
    if (!open) timeline.push(update(`seed-published-${i}-r`, declaredAt + 2 * HOUR, 'Resolved.', 'resolved'));
    const issue = createIncident(s, repo, decl, timeline, open, timeline.length);
    for (const entry of timeline) {
      s.sandbox.store.createCommentDirect(repo, issue.number, {
        body: renderEntryComment(entry, s.renderer),
        author: ACTOR,
        createdAt: new Date(entry.at),
      });
    }
    made.push(issue);
  }
  return made;
}
