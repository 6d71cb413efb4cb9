// Renders Markdown from handlebars templates (built in, or overridden by the user's repo). User text is made safe
// in the view before rendering, so overridden templates are as safe as ours; hidden markers are added by code,
// never by templates, so an override cannot lose them.
import Handlebars from 'handlebars';
import { builtInTemplate } from '../../templates/built-in';
import { formatDuration, findSeverity, TRIAGE_SEVERITY, type FirebreakConfig } from './config';
import { InputError } from './errors';
import { changesState, entryMarker, incidentMarker } from './event-log';
import { LEAD, shownState, type Declaration, type IncidentState, type TimelineEntry } from './incident';
import { closeOpenBlocks, fenceFor, SAFE_BODY_LIMIT, truncateWithNote, userLine, userMarkdown } from './markdown';
import { nextUpdateDue } from './cadence';
import { PLACEHOLDER_ITEM } from './retro-checklist';

export const TEMPLATE_NAMES = ['incident-body', 'entry', 'retro', 'follow-up', 'summary', 'reminder'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export const BUILT_IN_TEMPLATES: Readonly<Record<TemplateName, string>> = {
  'incident-body': builtInTemplate('incident-body.hbs'),
  entry: builtInTemplate('entry.hbs'),
  retro: builtInTemplate('retro.hbs'),
  'follow-up': builtInTemplate('follow-up.hbs'),
  summary: builtInTemplate('summary.hbs'),
  reminder: builtInTemplate('reminder.hbs'),
};

export interface Renderer {
  render(name: TemplateName, view: object): string;
}

/** `2026-11-23 10:32 UTC`: absolute and unambiguous for readers in any time zone. */
export function formatTime(iso: unknown): string {
  if (typeof iso !== 'string' && !(iso instanceof Date)) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Compiles templates once; overrides (file name without `.hbs` -> text) replace built-ins. */
export function createRenderer(overrides: Partial<Record<string, string>> = {}): Renderer {
  const hb = Handlebars.create();
  hb.registerHelper('time', (value: unknown) => formatTime(value));
  hb.registerHelper('join', (items: unknown, separator: unknown) =>
    Array.isArray(items) ? items.join(typeof separator === 'string' ? separator : ', ') : '',
  );
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  const compiled = new Map<TemplateName, Handlebars.TemplateDelegate>();
  for (const name of TEMPLATE_NAMES) {
    const source = overrides[name] ?? BUILT_IN_TEMPLATES[name];
    try {
      // noEscape: views carry Markdown that is already made safe; HTML-escaping it again would mangle `code`.
      // compile() is lazy; parse an override now so a broken one fails at load, not mid-incident. The built-ins are
      // known good, and parsing all six costs a cold start (the Action's freeze check renders nothing) 20 ms.
      if (overrides[name] !== undefined) hb.parse(source);
      compiled.set(name, hb.compile(source, { noEscape: true, strict: false }));
    } catch (error) {
      throw new InputError(
        `The template "${name}.hbs" does not compile: ${(error as Error).message.split('\n')[0]}`,
        'Fix the template override, or delete it to use the built-in one.',
      );
    }
  }
  return {
    render(name, view) {
      const template = compiled.get(name);
      if (!template) throw new InputError(`Unknown template "${name}".`);
      try {
        return (
          template(view)
            .replace(/\n{3,}/g, '\n\n')
            .trim() + '\n'
        );
      } catch (error) {
        throw new InputError(
          `The template "${name}.hbs" failed: ${(error as Error).message.split('\n')[0]}`,
          'Fix the template override, or delete it to use the built-in one.',
        );
      }
    },
  };
}

export const KIND_LABELS: Readonly<Record<TimelineEntry['kind'], { label: string; icon: string }>> = {
  action: { label: 'Action', icon: '🛠️' },
  observation: { label: 'Observation', icon: '👀' },
  decision: { label: 'Decision', icon: '✅' },
  question: { label: 'Question', icon: '❓' },
  theory: { label: 'Theory', icon: '💡' },
  update: { label: 'Update', icon: '📣' },
  role: { label: 'Role', icon: '👤' },
  handoff: { label: 'Handoff', icon: '🤝' },
  severity: { label: 'Severity', icon: '🚦' },
  status: { label: 'Status', icon: '📍' },
  bypass: { label: 'Freeze bypass', icon: '⛔' },
  hotfix: { label: 'Hotfix', icon: '🩹' },
  retro: { label: 'Retro', icon: '📝' },
  break: { label: 'Break', icon: '☕' },
  channel: { label: 'Channel', icon: '💬' },
};

/**
 * One line that says what an entry did, for timelines and trees. Plain text, not yet Markdown-safe. An entry whose
 * comment was edited after it was written says so (see event-log.ts): what it claims now is not what was recorded.
 */
export function summarizeEntry(entry: TimelineEntry): string {
  const what = describeEntry(entry);
  if (!entry.edited) return what;
  return `${what} [edited after it was written${changesState(entry) ? ': not followed' : ''}]`;
}

function describeEntry(entry: TimelineEntry): string {
  switch (entry.kind) {
    case 'role':
      return entry.login ? `@${entry.login} is now ${entry.role}` : `${entry.role} released`;
    case 'handoff':
      return `${entry.role} handed over from @${entry.from} to @${entry.to}${entry.note ? ` (${entry.note})` : ''}`;
    case 'severity':
      return `severity ${entry.from} → ${entry.to}${entry.reason ? ` (${entry.reason})` : ''}`;
    case 'status':
      return `status ${entry.from} → ${entry.to}${entry.text ? `: ${entry.text}` : ''}`;
    case 'bypass':
      return `deploy freeze bypassed by @${entry.actor}: ${entry.reason}`;
    case 'hotfix':
      return `hotfix by @${entry.actor} passed the freeze: ${entry.change} ${entry.verb} this incident`;
    case 'retro':
      return entry.skipped ? `retro skipped: ${entry.text}` : 'retro document posted';
    case 'break':
      return `@${entry.by} called a ${formatDuration(entry.minutes)} break${entry.text ? `: ${entry.text}` : ''}`;
    case 'update':
      return `${entry.status ? `[${entry.status}] ` : ''}${entry.public ? '[public] ' : ''}${entry.text}`;
    case 'channel':
      return `incident channel #${entry.name} in ${chatName(entry.chat)}`;
    default:
      return entry.reaction
        ? `${entry.text} (marked for the timeline by ${entry.reaction.by.map((l) => `@${l}`).join(', ')})`
        : entry.text;
  }
}

/** Ends a summary with a full stop unless the person's text (a reason, a note) already ended the sentence. */
function asSentence(text: string): string {
  return /[.!?…][)"'”’\]]*$/.test(text) ? text : `${text}.`;
}

/** A chat's name as people know it (`slack` -> Slack). */
export function chatName(chat: string): string {
  if (chat === 'slack') return 'Slack';
  return chat === 'mcp' ? 'an agent (MCP)' : chat;
}

/** Whom an entry written from a chat speaks for: "@login via Slack", or the chat name when not linked. */
export function viaText(entry: TimelineEntry): string | undefined {
  if (!entry.via) return undefined;
  const who = entry.via.login ? `@${entry.via.login}` : (entry.via.name ?? entry.via.user);
  return `${who} via ${chatName(entry.via.chat)}`;
}

const ENTRY_TEXT_LIMIT = 20_000;

function entryDetail(entry: TimelineEntry): string | undefined {
  switch (entry.kind) {
    case 'role':
    case 'handoff':
    case 'severity':
    case 'status':
      return userMarkdown(asSentence(summarizeEntry(entry).replace(/^./, (c) => c.toUpperCase())));
    case 'bypass':
      return (
        userMarkdown(`Deploy freeze bypassed by @${entry.actor}.\n\nReason: ${entry.reason}`) +
        (entry.runUrl ? `\n\nRun: ${entry.runUrl}` : '')
      );
    case 'hotfix':
      return (
        userMarkdown(
          `Hotfix: ${entry.change} by @${entry.actor} says it ${entry.verb} this incident, so it passed this incident's deploy freeze.` +
            (entry.ref ? `\n\nRef: ${entry.ref}${entry.sha ? ` (${entry.sha.slice(0, 7)})` : ''}` : ''),
        ) + (entry.runUrl ? `\n\nRun: ${entry.runUrl}` : '')
      );
    case 'break':
      return userMarkdown(`Break for ${formatDuration(entry.minutes)}, called by @${entry.by}.`);
    case 'channel':
      return (
        userMarkdown(`The incident's channel: #${entry.name} in ${chatName(entry.chat)}.`) +
        (entry.url ? `\n\n${entry.url.replace(/[()\s]/g, encodeURIComponent)}` : '')
      );
    case 'retro':
      return entry.skipped ? userMarkdown('No retro will be held for this incident.') : undefined;
    default:
      return undefined;
  }
}

function entryView(entry: TimelineEntry, textLimit: number) {
  const { label, icon } = KIND_LABELS[entry.kind];
  const text =
    'text' in entry && entry.text && entry.kind !== 'status'
      ? closeOpenBlocks(userMarkdown(truncateWithNote(entry.text, textLimit)))
      : '';
  const code = 'code' in entry && entry.code ? entry.code : undefined;
  const snippet = code?.snippet ? truncateWithNote(code.snippet, Math.min(4000, textLimit)) : undefined;
  return {
    kind: entry.kind,
    icon,
    label,
    at: entry.at,
    by: entry.by,
    via: viaText(entry) && userLine(viaText(entry) ?? ''),
    text,
    detail: entryDetail(entry),
    destructive: 'destructive' in entry && entry.destructive === true,
    status: entry.kind === 'update' ? entry.status : undefined,
    nextUpdateBy: entry.kind === 'update' ? entry.nextUpdateBy : undefined,
    public: entry.kind === 'update' && entry.public === true,
    publicTitle: entry.kind === 'update' && entry.publicTitle ? userLine(entry.publicTitle, 300) : undefined,
    code: code && {
      repo: userLine(code.repo),
      // The template shows the path inside a code span: a backtick in it would end the span early.
      path: userLine(code.path.replace(/`/g, "'"), 1000),
      startLine: code.startLine,
      endLine: code.endLine,
      multiline: code.endLine !== code.startLine,
      permalink: code.permalink.replace(/[()\s]/g, encodeURIComponent),
      shortCommit: code.commit.slice(0, 7),
      snippet: snippet && stripForFence(snippet),
      fence: snippet ? fenceFor(snippet) : '```',
      language: (code.language ?? '').replace(/[^\w+#-]/g, ''),
    },
  };
}

function stripForFence(snippet: string): string {
  return snippet.replace(/\r\n?/g, '\n');
}

/** The whole comment for an entry: marker line first, then readable Markdown; always within GitHub's limit. */
export function renderEntryComment(entry: TimelineEntry, renderer: Renderer): string {
  return storedEntry(entry, renderer).body;
}

/** The entry as its comment keeps it (very long text cut, in the marker too, so the comment fits), and the comment. */
function storedEntry(entry: TimelineEntry, renderer: Renderer): { entry: TimelineEntry; body: string } {
  let current = entry;
  for (let limit = ENTRY_TEXT_LIMIT; ; limit = Math.floor(limit / 2)) {
    const body = `${entryMarker(current)}\n${renderer.render('entry', entryView(current, limit))}`;
    if (body.length <= SAFE_BODY_LIMIT || limit < 500) return { entry: current, body };
    current = shortenEntry(entry, limit);
  }
}

function shortenEntry(entry: TimelineEntry, limit: number): TimelineEntry {
  const cut = <T extends object>(e: T): T => {
    const next = { ...e } as Record<string, unknown>;
    if (typeof next['text'] === 'string') next['text'] = truncateWithNote(next['text'] as string, limit);
    if (typeof next['reason'] === 'string') next['reason'] = truncateWithNote(next['reason'] as string, limit);
    if (typeof next['note'] === 'string') next['note'] = truncateWithNote(next['note'] as string, limit);
    const code = next['code'] as { snippet?: string } | undefined;
    if (code?.snippet) next['code'] = { ...code, snippet: truncateWithNote(code.snippet, Math.floor(limit / 4)) };
    return next as T;
  };
  return cut(entry);
}

/** Truncates user-supplied declaration text so that the body always fits. */
export function boundedDescription(text: string): string {
  return truncateWithNote(text, 20_000);
}

/** The issue body: the folded state in a marker, then the readable summary. */
export function renderIncidentBody(
  declaration: Declaration,
  state: IncidentState,
  config: FirebreakConfig,
  renderer: Renderer,
  /** How many of the issue's comments `state` folds, recorded in the marker (see BodyMarker.through). */
  through?: number,
): string {
  const severity = findSeverity(config, state.severity) ?? {
    ...TRIAGE_SEVERITY,
    name: state.severity,
    description: 'Not in the configured severities.',
  };
  const due = nextUpdateDue(state, config);
  // Who holds what as people see it (an alert's incident has no lead until a person takes it).
  const { roles } = shownState(declaration, state);
  const roster = config.roles.map((role) => ({
    name: role.name === LEAD ? 'Lead' : capitalize(role.name),
    role: role.name,
    description: role.description,
    holder: roles[role.name],
  }));
  for (const [role, holder] of Object.entries(roles)) {
    if (!config.roles.some((r) => r.name === role))
      roster.push({ name: capitalize(role), role, description: '', holder });
  }
  const kept = cachedTexts(declaration, updateAsStored(state, renderer));
  const view = {
    title: userLine(state.title),
    description: closeOpenBlocks(userMarkdown(truncateWithNote(kept.state.description, 20_000))),
    severity: { name: severity.name, description: userLine(severity.description, 300) },
    status: state.status,
    statusIcon: state.status === 'resolved' ? '✅' : state.drill ? '🧯' : '🔥',
    lead: roles[LEAD],
    declaredBy: state.declaredBy,
    declaredAt: state.timestamps.declared,
    mitigatedAt: state.timestamps.mitigated,
    resolvedAt: state.timestamps.resolved,
    services: state.services.map((s) => userLine(s, 100)),
    drill: state.drill,
    private: state.private,
    roster,
    lastUpdate: kept.state.lastUpdate && {
      ...kept.state.lastUpdate,
      text: closeOpenBlocks(userMarkdown(truncateWithNote(kept.state.lastUpdate.text, 10_000))),
    },
    nextUpdateDue: due?.toISOString(),
  };
  return `${incidentMarker(kept.declaration, kept.state, through)}\n${renderer.render('incident-body', view)}`;
}

/**
 * The latest update's text as its comment keeps it. A change renders the body from the text as typed, `repair` from
 * the timeline: both must give the same body, or `repair` rewrites every body right after a long update.
 */
function updateAsStored(state: IncidentState, renderer: Renderer): IncidentState {
  const update = state.lastUpdate;
  if (!update || update.text.length <= ENTRY_TEXT_LIMIT / 4) return state;
  const { entry } = storedEntry(
    // The key only sizes the marker: one as long as a real one (a UUID).
    { kind: 'update', key: '00000000-0000-0000-0000-000000000000', at: update.at, by: update.by, text: update.text },
    renderer,
  );
  return entry.kind === 'update' && entry.text !== update.text
    ? { ...state, lastUpdate: { ...update, text: entry.text } }
    : state;
}

const CACHED_TEXT = 2_000;

/**
 * The free text the body's marker keeps, which the body also shows: later changes and `repair` render from the
 * marker, so showing more than it keeps would lose text at the next change. Only prose is cut, and only once: the
 * description first (it lives nowhere else), then the latest update (its comment keeps it whole) if still needed.
 */
function cachedTexts(
  declaration: Declaration,
  state: IncidentState,
): { declaration: Declaration; state: IncidentState } {
  const short = (text: string) => (text.length <= CACHED_TEXT + 100 ? text : truncateWithNote(text, CACHED_TEXT));
  const { lastUpdate: _update, ...withoutUpdate } = state;
  let kept = { declaration, state };
  if (incidentMarker(declaration, withoutUpdate).length > 30_000) {
    kept = {
      declaration: { ...declaration, description: short(declaration.description) },
      state: { ...state, description: short(state.description) },
    };
  }
  const update = kept.state.lastUpdate;
  if (update && incidentMarker(kept.declaration, kept.state).length > 30_000) {
    kept = { ...kept, state: { ...kept.state, lastUpdate: { ...update, text: short(update.text) } } };
  }
  return kept;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function durationBetween(fromIso: string | undefined, toIso: string | undefined): string | undefined {
  if (!fromIso || !toIso) return undefined;
  const minutes = Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000);
  return minutes >= 0 ? formatDuration(Math.max(1, minutes)) : undefined;
}

export interface RetroInput {
  readonly url: string;
  readonly state: IncidentState;
  readonly timeline: readonly TimelineEntry[];
  readonly now: Date;
}

/** The retro document (Markdown) with the timeline generated from the log and an action-item checklist. */
export function renderRetro(input: RetroInput, renderer: Renderer): string {
  const { state } = input;
  const due = new Date(input.now.getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
  return renderer.render('retro', {
    title: userLine(state.title),
    url: input.url,
    severity: state.severity,
    lead: state.roles[LEAD],
    declaredAt: state.timestamps.declared,
    description: closeOpenBlocks(userMarkdown(state.description)),
    timeToMitigate: durationBetween(state.timestamps.declared, state.timestamps.mitigated),
    timeToResolve: durationBetween(state.timestamps.declared, state.timestamps.resolved),
    timeline: input.timeline
      .filter((e) => e.kind !== 'retro')
      .map((e) => ({
        at: e.at,
        by: e.by,
        ...KIND_LABELS[e.kind],
        destructive: 'destructive' in e && e.destructive === true,
        summary: userLine(summarizeEntry(e), 300),
      })),
    suggestedDue: due,
    placeholderItem: PLACEHOLDER_ITEM,
  });
}
