// Reads the action items of a retro: task-list lines under a `Follow-ups` or `Action items` heading, with owner, due
// date, priority and type tokens. Code blocks and HTML comments are skipped; lines that look wrong are reported.
import { createHash } from 'node:crypto';
import { formatMarker, readMarker } from './event-log';

export const FOLLOW_UP_TYPES = ['detective', 'preventive', 'corrective', 'process'] as const;
export type FollowUpType = (typeof FOLLOW_UP_TYPES)[number];

export interface RetroItem {
  /** Stable identity of the item: from its annotation once tracked, else from its normalized text. */
  readonly key: string;
  /** What to do, without the owner/due/priority/type tokens and without the annotation. */
  readonly text: string;
  readonly checked: boolean;
  readonly owner?: string;
  /** YYYY-MM-DD */
  readonly due?: string;
  /** P0..P4 */
  readonly priority?: string;
  readonly type?: FollowUpType;
  /** Issue number the line already points at (a Firebreak annotation, or a task that is only `#123`). */
  readonly tracked?: number;
  /** Whether Firebreak annotated the line with its follow-up issue. */
  readonly annotated: boolean;
  /** 1-based line in the text it came from. */
  readonly line: number;
}

export interface ChecklistProblem {
  readonly line: number;
  /** The offending line, trimmed and shortened. */
  readonly text: string;
  readonly message: string;
}

export interface RetroChecklist {
  readonly items: readonly RetroItem[];
  readonly problems: readonly ChecklistProblem[];
  /** Whether any Follow-ups / Action items heading was found. */
  readonly hasSection: boolean;
}

export interface ParseOptions {
  /** Mixed into item keys so the same text in two incidents gives two follow-ups. */
  readonly scope?: string;
}

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const SETEXT = /^ {0,3}(=+|-+)\s*$/;
const SECTION_NAME = /^(?:follow[\s-]?ups?|action[\s-]items?)$/i;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const TASK = /^(\s*)(?:[-*+]|\d{1,9}[.)])\s+\[( |x|X)\](?:\s+(.*))?$/;
const LIST_ITEM = /^(\s*)(?:[-*+]|\d{1,9}[.)])(?:\s+(.*))?$/;
const NEAR_TASK = /^\s*(?:[-*+]|\d{1,9}[.)])?\s*\[[^\]]{0,3}\]/;
const LOGIN = /^@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$/;
const ISSUE_ONLY = /^(?:[\w.-]+\/[\w.-]+)?#(\d+)$|^https?:\/\/\S+\/issues\/(\d+)\/?$/;
const KNOWN_TOKEN = /^(due|priority|type):(.*)$/i;
const RETRO_ITEM_MARKER = /\s*<!-- firebreak:retro-item \{.*?\} -->/;

/** The draft's example item (templates/retro.hbs): a prompt to write one, never a follow-up itself. */
export const PLACEHOLDER_ITEM = 'Describe the first follow-up';

/** The annotation Firebreak appends to a checklist line once its follow-up exists. */
export function retroItemAnnotation(key: string, issueNumber: number): string {
  return ` (#${issueNumber}) ${formatMarker('retro-item', { key, issue: issueNumber })}`;
}

/** The line with the annotation for this issue appended (any earlier annotation is replaced). */
export function annotateLine(line: string, key: string, issueNumber: number): string {
  return `${stripAnnotation(line).replace(/\s+$/, '')}${retroItemAnnotation(key, issueNumber)}`;
}

function stripAnnotation(line: string): string {
  const match = RETRO_ITEM_MARKER.exec(line);
  if (!match) return line;
  const before = line.slice(0, match.index).replace(/\s*\(#\d+\)\s*$/, '');
  return before + line.slice(match.index + match[0].length);
}

/** Key of an item from its text: case, spacing and trailing punctuation do not matter. */
export function itemKey(text: string, scope = ''): string {
  const normalized = text
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[.!;,:\s]+$/, '')
    .trim();
  return `fu-${createHash('sha256').update(`${scope}\n${normalized}`).digest('hex').slice(0, 20)}`;
}

function isValidDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function shorten(line: string): string {
  const text = line.replace(/<!--.*?-->/g, '').trim();
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

interface Tokens {
  text: string;
  owner?: string;
  due?: string;
  priority?: string;
  type?: FollowUpType;
  errors: string[];
}

/** Splits the known tokens off an item's text; unknown `key:value` tokens stay in the text. */
function readTokens(rest: string): Tokens {
  const words = rest.split(/\s+/).filter(Boolean);
  const errors: string[] = [];
  const result: Tokens = { text: '', errors };
  const seen = new Set<string>();
  const kept: string[] = [];
  let ownerIndex = -1;
  words.forEach((word, index) => {
    if (LOGIN.test(word)) ownerIndex = index;
  });
  words.forEach((word, index) => {
    if (index === ownerIndex) {
      result.owner = word.slice(1);
      return;
    }
    const token = KNOWN_TOKEN.exec(word);
    if (!token) {
      kept.push(word);
      return;
    }
    const name = (token[1] ?? '').toLowerCase();
    const value = token[2] ?? '';
    if (seen.has(name)) {
      errors.push(`${name}: is given twice`);
      return;
    }
    seen.add(name);
    if (name === 'due') {
      if (isValidDate(value)) result.due = value;
      else errors.push(`due:${value} is not a date; write due:YYYY-MM-DD`);
    } else if (name === 'priority') {
      if (/^p[0-4]$/i.test(value)) result.priority = value.toUpperCase();
      else errors.push(`priority:${value} is not a priority; write priority:P0 … priority:P4`);
    } else {
      const type = value.toLowerCase();
      if ((FOLLOW_UP_TYPES as readonly string[]).includes(type)) result.type = type as FollowUpType;
      else errors.push(`type:${value} is not a type; use ${FOLLOW_UP_TYPES.map((t) => `type:${t}`).join(', ')}`);
    }
  });
  result.text = kept.join(' ');
  return result;
}

interface Section {
  readonly level: number;
}

/**
 * The action items of one Markdown document. Items are task-list lines (`- [ ] …`, `- [x] …`) under a heading
 * named Follow-ups or Action items, of any level and case, until the next heading of the same or a higher level.
 */
export function parseRetroChecklist(markdown: string, options: ParseOptions = {}): RetroChecklist {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const items: RetroItem[] = [];
  const problems: ChecklistProblem[] = [];
  const byKey = new Map<string, RetroItem>();
  let section: Section | undefined;
  let hasSection = false;
  let fence: string | undefined;
  let inComment = false;

  const heading = (level: number, title: string) => {
    const name = title
      .replace(/[*_`]/g, '')
      .replace(/[:\s]+$/, '')
      .replace(/^[^\p{L}\p{N}]+/u, '')
      .trim();
    if (SECTION_NAME.test(name)) {
      section = { level };
      hasSection = true;
    } else if (section && level <= section.level) {
      section = undefined;
    }
  };

  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] ?? '';
    const lineNumber = index + 1;
    const fenceMatch = FENCE.exec(raw);
    if (fence !== undefined) {
      if (
        fenceMatch &&
        fenceMatch[1]?.[0] === fence[0] &&
        (fenceMatch[1]?.length ?? 0) >= fence.length &&
        raw.trim() === fenceMatch[1]
      )
        fence = undefined;
      continue;
    }
    if (fenceMatch && !inComment) {
      fence = fenceMatch[1];
      continue;
    }
    // Annotations are comments we wrote; everything else inside <!-- --> is not content.
    let line = raw;
    const annotation = readMarker(line, 'retro-item');
    line = stripAnnotation(line);
    if (inComment) {
      const end = line.indexOf('-->');
      if (end < 0) continue;
      inComment = false;
      line = line.slice(end + 3);
    }
    line = line.replace(/<!--.*?-->/g, '');
    const open = line.indexOf('<!--');
    if (open >= 0) {
      inComment = true;
      line = line.slice(0, open);
    }
    if (line.trim() === '') continue;

    const atx = HEADING.exec(line);
    if (atx) {
      heading(atx[1]?.length ?? 1, atx[2] ?? '');
      continue;
    }
    const next = lines[index + 1];
    if (
      next !== undefined &&
      SETEXT.test(next) &&
      !LIST_ITEM.test(line) &&
      line.trim() !== '' &&
      !/^\s{4,}/.test(line)
    ) {
      // A setext heading (`Title` underlined with === or ---).
      heading(next.trim().startsWith('=') ? 1 : 2, line.trim());
      index++;
      continue;
    }
    if (!section) continue;

    const task = TASK.exec(line);
    if (!task) {
      if (NEAR_TASK.test(line)) {
        problems.push({
          line: lineNumber,
          text: shorten(raw),
          message: 'not a task-list item; write "- [ ] what @owner due:YYYY-MM-DD priority:P2 type:corrective"',
        });
      } else {
        const item = LIST_ITEM.exec(line);
        // A plain bullet directly in the section is most likely an action item without its checkbox.
        if (item && (item[1] ?? '').length < 2 && (item[2] ?? '').trim() !== '') {
          problems.push({
            line: lineNumber,
            text: shorten(raw),
            message: 'a list item without a checkbox is not tracked; write "- [ ] …" to make it a follow-up',
          });
        }
      }
      continue;
    }
    const checked = (task[2] ?? ' ').toLowerCase() === 'x';
    const tokens = readTokens((task[3] ?? '').trim());
    const issueOnly = ISSUE_ONLY.exec(tokens.text);
    if (tokens.text === '') {
      problems.push({
        line: lineNumber,
        text: shorten(raw),
        message: 'the item says nothing to do; write what should happen after "- [ ]"',
      });
      continue;
    }
    if (tokens.errors.length > 0) {
      problems.push({ line: lineNumber, text: shorten(raw), message: tokens.errors.join('; ') });
      continue;
    }
    if (!checked && annotation === undefined && isPlaceholder(tokens.text)) {
      problems.push({
        line: lineNumber,
        text: shorten(raw),
        message: "the draft's example item is not tracked; describe the follow-up, or delete the line",
      });
      continue;
    }
    const annotatedKey = typeof annotation?.['key'] === 'string' ? annotation['key'] : undefined;
    const annotatedIssue = typeof annotation?.['issue'] === 'number' ? annotation['issue'] : undefined;
    const tracked = annotatedIssue ?? (issueOnly ? Number(issueOnly[1] ?? issueOnly[2]) : undefined);
    const key = annotatedKey ?? itemKey(tokens.text, options.scope);
    const existing = byKey.get(key);
    if (existing) {
      problems.push({
        line: lineNumber,
        text: shorten(raw),
        message: `the same item as line ${existing.line}; it is tracked once`,
      });
      continue;
    }
    const item: RetroItem = {
      key,
      text: tokens.text,
      checked,
      ...(tokens.owner ? { owner: tokens.owner } : {}),
      ...(tokens.due ? { due: tokens.due } : {}),
      ...(tokens.priority ? { priority: tokens.priority } : {}),
      ...(tokens.type ? { type: tokens.type } : {}),
      ...(tracked !== undefined ? { tracked } : {}),
      annotated: annotatedKey !== undefined,
      line: lineNumber,
    };
    byKey.set(key, item);
    items.push(item);
  }
  return { items, problems, hasSection };
}

/**
 * The text with the item on `line` annotated with its follow-up issue. The line is found again by key, so an edit
 * between reading and writing that moved lines does not annotate the wrong one. Returns undefined when the item is
 * no longer there.
 */
export function annotateItem(
  markdown: string,
  key: string,
  issueNumber: number,
  options: ParseOptions = {},
): string | undefined {
  const parsed = parseRetroChecklist(markdown, options);
  const item = parsed.items.find((i) => i.key === key);
  if (!item) return undefined;
  const newline = markdown.includes('\r\n') ? '\r\n' : '\n';
  // Split as parseRetroChecklist does (a lone CR is a line break too), or line numbers point at the wrong line.
  const lines = markdown.split(/\r\n?|\n/);
  const current = lines[item.line - 1];
  if (current === undefined) return undefined;
  lines[item.line - 1] = annotateLine(current, key, issueNumber);
  return lines.join(newline);
}

function isPlaceholder(text: string): boolean {
  return text.replace(/[\s.…]+$/, '').toLowerCase() === PLACEHOLDER_ITEM.toLowerCase();
}
