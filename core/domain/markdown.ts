// Makes user text safe to place in GitHub Markdown: no hidden markers, no HTML comments, no team-wide mentions,
// no control characters, and bodies that always fit GitHub's size limit.

/** GitHub rejects issue and comment bodies longer than this (422). */
export const BODY_LIMIT = 65_536;
/** Kept below the limit so a template override or a marker never tips a body over it. */
export const SAFE_BODY_LIMIT = 60_000;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
// A lookbehind, not a consumed character: mentions written back to back ("@a/x-@a/y") must each be found.
const TEAM_MENTION = /(?<![\w`])@([A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9][\w.-]*)/g;
const ZERO_WIDTH_SPACE = '\u200B';

/** Strips control and bidi-override characters (they can hide text), keeps newlines and tabs. */
export function stripControl(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

/**
 * User text as Markdown: formatting is kept (people write `code` and **bold** in logs), but HTML comments cannot be
 * opened or closed (so no forged firebreak markers), and @org/team mentions are defused so one log line cannot
 * notify a whole team. Personal @-mentions are kept: pulling a person in is a feature.
 */
export function userMarkdown(text: string): string {
  return stripControl(text)
    .replace(/<!--/g, '&lt;!--')
    .replace(/--!?>/g, '--&gt;')
    .replace(TEAM_MENTION, (_m, team: string) => `@${ZERO_WIDTH_SPACE}${team}`);
}

/** A single line of user text (titles, names): Markdown-safe and without line breaks. */
export function userLine(text: string, max = 256): string {
  return truncate(
    userMarkdown(text)
      .replace(/\s*\n\s*/g, ' ')
      .trim(),
    max,
  );
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Cuts long text to `max` characters and says how much was left out. */
export function truncateWithNote(text: string, max: number): string {
  if (text.length <= max) return text;
  const kept = text.slice(0, max);
  return `${kept}\n\n_(truncated: ${text.length - max} more characters not shown)_`;
}

/** A code fence longer than any run of backticks inside the snippet, so the snippet cannot close it. */
export function fenceFor(snippet: string): string {
  const longest = Math.max(0, ...[...snippet.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/**
 * The text with a code fence it leaves open closed at its end, so that what a template puts after user text (a code
 * snippet, which is not escaped) is not read as the inside of the user's code block, or worse, as Markdown.
 */
export function closeOpenFence(text: string): string {
  let open: string | undefined;
  for (const line of text.split('\n')) {
    const fence = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (!fence) continue;
    const [, marker = '', rest = ''] = fence;
    if (open === undefined) {
      // A backtick fence's info string has no backticks (otherwise it is inline code).
      if (!(marker.startsWith('`') && rest.includes('`'))) open = marker;
    } else if (marker[0] === open[0] && marker.length >= open.length && rest.trim() === '') {
      open = undefined;
    }
  }
  return open === undefined ? text : `${text}\n${open}`;
}

/** Team mentions present in text (after sanitizing there must be none). */
export function teamMentions(text: string): string[] {
  return [...text.matchAll(TEAM_MENTION)].map((m) => `@${m[1] ?? ''}`);
}
