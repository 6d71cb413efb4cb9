// "Log Entry" and "Log Destructive Action": kind and text, with a permalink to the selected lines; saved durably
// first, so an entry typed while GitHub is unreachable is delivered later instead of lost.
import { LOG_KINDS, repoSlug, type Incident, type LogKind } from '../../core/domain/incident';
import type { Delivery } from '../../core/use-cases/offline-queue';
import { KIND_LABELS } from '../../core/domain/render';
import { LOG_KIND_HINTS } from '../presentation';
import type { Session } from '../session';
import {
  codeRefFor,
  requiredText,
  sessionAndIncident,
  type ActiveCode,
  type FlowContext,
  type IncidentArg,
} from './context';
import { COMMANDS } from '../ids';
import { stepsOf } from './prompter';

const TEXT_MAX = 20_000;

const PROMPTS: Readonly<Record<LogKind, string>> = {
  action: 'What did you do (or are doing)?',
  observation: 'What did you see?',
  decision: 'What was decided, and why?',
  question: 'What needs finding out?',
  theory: 'What might be the cause?',
};

export async function logEntry(
  ctx: FlowContext,
  arg?: IncidentArg,
  preferKind?: LogKind,
): Promise<Delivery | undefined> {
  const target = await sessionAndIncident(ctx, arg, 'Log entry');
  if (!target) return undefined;
  const { session, incident } = target;
  const active = await ctx.code.activeCode();
  const where = active?.selection
    ? ` (linked to ${active.path}#L${active.selection.startLine}${active.selection.endLine !== active.selection.startLine ? `-L${active.selection.endLine}` : ''})`
    : '';
  const steps = stepsOf(ctx.prompter, `Log entry on #${incident.number}`, 2);

  const kind = await steps.pick<LogKind>(1, {
    placeholder: `What kind of entry?${where}`,
    items: LOG_KINDS.map((k) => ({ label: k, description: LOG_KIND_HINTS[k], value: k })),
    active: preferKind ?? 'action',
    matchOnDescription: true,
  });
  if (kind === undefined) return undefined;

  const text = await steps.input(2, {
    prompt: `${PROMPTS[kind]}${where}`,
    placeholder: `${KIND_LABELS[kind].label}: press Enter to log`,
    validate: requiredText(`The ${kind}`, TEXT_MAX),
  });
  if (text === undefined) return undefined;
  return deliverLog(ctx, session, incident, { kind, text: text.trim(), destructive: false }, active);
}

export async function logDestructiveAction(ctx: FlowContext, arg?: IncidentArg): Promise<Delivery | undefined> {
  const target = await sessionAndIncident(ctx, arg, 'Log destructive action');
  if (!target) return undefined;
  const { session, incident } = target;
  const active = await ctx.code.activeCode();
  const steps = stepsOf(ctx.prompter, `Log destructive action on #${incident.number}`, 3);

  const what = await steps.input(1, {
    prompt: 'What destructive or hard-to-undo action? (restart, delete, failover, data fix)',
    placeholder: 'e.g. Failing over the orders database to the replica',
    validate: requiredText('What you do', TEXT_MAX, 'name the action and what it touches'),
  });
  if (what === undefined) return undefined;
  const why = await steps.input(2, {
    prompt: 'Why is it needed, and what is the way back?',
    placeholder: 'e.g. The primary stopped accepting writes; fail back after the fix',
    validate: requiredText('Why', TEXT_MAX, 'others need the reason to follow and to learn later'),
  });
  if (why === undefined) return undefined;
  const confirmed = await ctx.prompter.confirm({
    message: `Log a destructive action on #${incident.number}?`,
    detail: `${what.trim()}\n\nWhy: ${why.trim()}`,
    confirm: 'Log destructive action',
  });
  if (!confirmed) return undefined;
  return deliverLog(
    ctx,
    session,
    incident,
    { kind: 'action', text: `${what.trim()}\n\nWhy: ${why.trim()}`, destructive: true },
    active,
  );
}

async function deliverLog(
  ctx: FlowContext,
  session: Session,
  incident: Incident,
  input: { kind: LogKind; text: string; destructive: boolean },
  active: ActiveCode | undefined,
): Promise<Delivery> {
  const { code, warnings } = codeRefFor(session, active);
  for (const warning of warnings) void ctx.prompter.warn(warning);
  const delivery = await ctx.prompter.progress(`Logging to #${incident.number}…`, () =>
    ctx.queue.submit(
      session,
      { incident },
      {
        type: 'log',
        kind: input.kind,
        text: input.text,
        ...(input.destructive ? { destructive: true } : {}),
        ...(code ? { code } : {}),
      },
    ),
  );
  const label = input.destructive ? 'destructive action' : input.kind;
  if (delivery.status === 'delivered') {
    if (delivery.entry) ctx.store.addEntry(incident, delivery.entry);
    ctx.log.info(
      `logged ${label} on ${repoSlug(incident.repo)}#${incident.number}${code ? ` with ${code.permalink}` : ''}`,
    );
    void ctx.prompter.info(
      `Logged ${label} on #${incident.number}${code ? ` with a link to ${code.path}#L${code.startLine}` : ''}.`,
    );
  } else if (delivery.status === 'queued') {
    const waiting = ctx.queue.pending.length;
    void ctx.prompter
      .warn(
        `GitHub is not answering: the ${label} is saved and will be posted to #${incident.number} when it answers (${waiting} waiting).`,
        'Show log',
      )
      .then((choice) => (choice ? ctx.host.execute(COMMANDS.showLog) : undefined));
  } else {
    void ctx.prompter.warn(
      `GitHub did not take the ${label} on #${incident.number}: ${delivery.reason} It is kept in the Incidents view.`,
    );
  }
  return delivery;
}

/** What an agent asks to log: the kind, the text, and whether the editor's selection is linked. */
export interface AgentLogInput {
  readonly kind?: LogKind;
  readonly text: string;
  readonly linkSelection?: boolean;
}

/** The entry an agent's request would log, for the confirmation the person answers before anything is written. */
export async function describeAgentLog(
  ctx: FlowContext,
  input: AgentLogInput,
): Promise<{ incident: Incident; kind: LogKind; text: string; where?: string } | string> {
  const incident = ctx.store.current;
  if (!incident) return 'There is no current incident: pick one with "Firebreak: Select Incident" first.';
  const text = input.text.trim();
  if (!text) return 'The entry is empty: say what was done, seen, decided, asked or suspected.';
  if (text.length > TEXT_MAX) return `The entry is ${text.length} characters; at most ${TEXT_MAX}.`;
  const kind = input.kind && (LOG_KINDS as readonly string[]).includes(input.kind) ? input.kind : 'observation';
  const active = input.linkSelection === false ? undefined : await ctx.code.activeCode();
  const where = active?.selection
    ? `${active.path}#L${active.selection.startLine}${active.selection.endLine !== active.selection.startLine ? `-L${active.selection.endLine}` : ''}`
    : undefined;
  return { incident, kind, text, ...(where ? { where } : {}) };
}

/** Logs what an agent asked for, after the person confirmed it: the same delivery as the Log Entry command. */
export async function logForAgent(ctx: FlowContext, input: AgentLogInput): Promise<string> {
  const planned = await describeAgentLog(ctx, input);
  if (typeof planned === 'string') return planned;
  const session = await ctx.session();
  if (!session) return 'Not signed in to GitHub: nothing was logged.';
  const active = input.linkSelection === false ? undefined : await ctx.code.activeCode();
  const delivery = await deliverLog(
    ctx,
    session,
    planned.incident,
    { kind: planned.kind, text: planned.text, destructive: false },
    active?.selection ? active : undefined,
  );
  const on = `#${planned.incident.number}`;
  if (delivery.status === 'delivered')
    return `Logged the ${planned.kind} on ${on}${planned.where ? ` with a link to ${planned.where}` : ''}${delivery.entry?.url ? `: ${delivery.entry.url}` : '.'}`;
  if (delivery.status === 'queued')
    return `GitHub is not answering: the ${planned.kind} is saved and will be posted to ${on}.`;
  return `GitHub did not take the ${planned.kind} on ${on}: ${delivery.reason}`;
}
