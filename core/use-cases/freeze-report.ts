// What a freeze decision says to people: the outputs' incident summaries, the one-line list of what freezes, and the
// Markdown report (job summary, CLI) with how to bypass and the hotfix lane.
import { LEAD, type Incident } from '../domain/incident';
import { userLine } from '../domain/markdown';
import { durationBetween } from '../domain/render';
import type { FreezeDecision, IgnoredReason, PrivateFreezing } from './freeze-decision';
import type { HotfixVerb } from './hotfix';

/** What the outputs and the job summary say about an incident. */
export interface IncidentSummary {
  readonly number: number;
  readonly title: string;
  readonly severity: string;
  readonly status: string;
  readonly url: string;
  readonly lead: string;
  readonly age: string;
  readonly drill: boolean;
  readonly services: readonly string[];
  /** A request nobody with write access has taken yet: its lead is its author, not someone to page. */
  readonly request?: boolean;
}

export function summarizeIncident(incident: Incident, now: Date): IncidentSummary {
  return {
    number: incident.number,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    url: incident.url,
    lead: incident.roles[LEAD] ?? incident.declaredBy,
    age: durationBetween(incident.timestamps.declared, now.toISOString()) ?? '0m',
    drill: incident.drill,
    services: incident.services,
    ...(incident.request ? { request: true } : {}),
  };
}

/** What the `incidents` output says of one freezing incident: a private one only as severity, status and time. */
export type FreezingOutput =
  | Pick<IncidentSummary, 'number' | 'title' | 'severity' | 'url' | 'lead' | 'age'>
  | { readonly private: true; readonly severity: string; readonly declared: string; readonly age: string };

export function freezingOutputs(decision: FreezeDecision, now: Date): FreezingOutput[] {
  return [
    ...decision.freezing.map((incident) => {
      const { number, title, severity, url, lead, age } = summarizeIncident(incident, now);
      return { number, title, severity, url, lead, age };
    }),
    ...decision.privateFreezing.map((p) => ({
      private: true as const,
      severity: p.severity,
      declared: p.declared,
      age: durationBetween(p.incident().timestamps.declared, now.toISOString()) ?? '0m',
    })),
  ];
}

/** One line naming what freezes: "#12 (critical, lead @octo), a private incident (severity major, …)". */
export function freezingList(decision: FreezeDecision, now: Date): string {
  return [
    ...decision.freezing.map((incident) => {
      const s = summarizeIncident(incident, now);
      return `#${s.number} (${s.severity}, lead @${s.lead})`;
    }),
    ...decision.privateFreezing.map((p) => p.label),
  ].join(', ');
}

export interface FreezeReportInput {
  readonly decision: FreezeDecision;
  readonly now: Date;
  /** Set when the deploy went ahead anyway. */
  readonly bypass?: { readonly actor: string; readonly reason: string; readonly recorded: number };
  /** How to bypass, in the words of the edge (workflow inputs, CLI flags). */
  readonly bypassHint: string;
  /** Freezing incidents the change fixes or mitigates (the hotfix lane). */
  readonly hotfixed?: readonly { readonly incident: Incident; readonly verb: HotfixVerb }[];
}

const REASON_TEXT: Readonly<Record<IgnoredReason, string>> = {
  drill: 'a drill (drills never freeze)',
  request: 'a request from someone without write access, not taken yet',
  severity: 'severity does not freeze',
  service: 'affects other services only',
  resolved: 'resolved',
};

/** The Markdown that explains a freeze decision: which incidents, their severity and lead, and how to bypass. */
export function renderFreezeReport(input: FreezeReportInput): string {
  const { decision, now } = input;
  const row = (incident: Incident, extra = '') => {
    const s = summarizeIncident(incident, now);
    return `| [#${s.number}](${s.url}) ${userLine(s.title, 120)} | \`${s.severity}\` | ${s.status} | @${s.lead} | ${s.age} |${extra}`;
  };
  const privateRow = (p: PrivateFreezing) =>
    `| ${p.label.replace(/^a/, 'A')} | \`${p.severity}\` | ${p.status} | (private) | ${durationBetween(p.incident().timestamps.declared, now.toISOString()) ?? '0m'} |`;
  const scope = decision.services.length > 0 ? ` for ${decision.services.map((s) => `\`${s}\``).join(', ')}` : '';
  const severities = decision.severities.length > 0 ? decision.severities.map((s) => `\`${s}\``).join(', ') : '_none_';
  const lines: string[] = [];
  if (!decision.frozen) {
    lines.push(
      `## ✅ Deploys are not frozen${scope}`,
      '',
      `No active incident with a freezing severity (${severities}) affects this deploy.`,
    );
  } else if (input.bypass) {
    lines.push(
      `## ⛔ Deploy freeze bypassed${scope}`,
      '',
      `@${input.bypass.actor} deployed during a freeze. Reason: ${userLine(input.bypass.reason, 500)}`,
      '',
      `The bypass is recorded on ${input.bypass.recorded} incident${input.bypass.recorded === 1 ? '' : 's'}:`,
    );
  } else {
    const count = decision.freezing.length + decision.privateFreezing.length;
    lines.push(
      `## 🧊 Deploys are frozen${scope}`,
      '',
      `${count} active incident${count === 1 ? '' : 's'} with a freezing severity (${severities}) ${count === 1 ? 'affects' : 'affect'} this deploy. ` +
        'Deploying now could make things worse or hide the cause; the freeze ends by itself when the incidents are resolved or downgraded.',
    );
  }
  if (decision.freezing.length + decision.privateFreezing.length > 0) {
    lines.push(
      '',
      '| Incident | Severity | Status | Lead | Age |',
      '|---|---|---|---|---|',
      ...decision.freezing.map((i) => row(i)),
      ...decision.privateFreezing.map(privateRow),
    );
  }
  if (input.hotfixed && input.hotfixed.length > 0) {
    lines.push(
      '',
      '### Hotfix lane',
      '',
      'This change says it fixes or mitigates these incidents, so their freeze does not stop it (recorded on their timelines):',
      '',
      ...input.hotfixed.map(
        ({ incident, verb }) => `- [#${incident.number}](${incident.url}) ${userLine(incident.title, 120)} (${verb})`,
      ),
    );
  }
  if (decision.privateWarning) lines.push('', `> ⚠️ ${decision.privateWarning}`);
  if (decision.frozen && !input.bypass) {
    lines.push(
      '',
      '### How to deploy anyway',
      '',
      input.bypassHint,
      '',
      'Ask the incident lead first: they may be relying on the system staying as it is.',
    );
  }
  if (decision.ignored.length > 0) {
    lines.push(
      '',
      '<details><summary>Active incidents that do not freeze this deploy</summary>',
      '',
      '| Incident | Severity | Status | Lead | Age | Why not |',
      '|---|---|---|---|---|---|',
      ...decision.ignored.map(({ incident, reason }) => row(incident, ` ${REASON_TEXT[reason]} |`)),
      '',
      '</details>',
    );
  }
  lines.push('', `_Checked ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC by Firebreak._`);
  return `${lines.join('\n')}\n`;
}
