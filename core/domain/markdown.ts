// Makes user text safe to place in GitHub Markdown: no hidden markers, no HTML comments, no team-wide mentions,
// no control characters, and bodies that always fit GitHub's size limit.

/** GitHub rejects issue and comment bodies longer than this (422). */
export const BODY_LIMIT = 65_536;
/** Kept below the limit so a template override or a marker never tips a body over it. */
export const SAFE_BODY_LIMIT = 60_000;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
// What GitHub would notify, read from the Markdown source: an @ that no letter or digit precedes (emphasis, entities
// and escapes do not stop GitHub: `_@org/team_` and `\@org/team` notify), then org/team, where a backslash may escape
// any character. A lookahead, not consumed characters: mentions written back to back must each be found.
const TEAM_MENTION_AT = /(?<![A-Za-z0-9])@(?=\\?[A-Za-z0-9](?:\\?[A-Za-z0-9-])*\\?\/\\?[A-Za-z0-9_])/g;
const TEAM_MENTION = /(?<![A-Za-z0-9])@([A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9_][\w.-]*)/g;
// Character references GitHub decodes before it looks for mentions. Only those that make up a mention are decoded
// (they render the same), so `&lt;` and friends stay escaped.
const MENTION_ENTITY = /&(?:#0*([0-9]{1,7})|#[xX]0*([0-9a-fA-F]{1,6})|(commat|sol|lowbar|period));/g;
const NAMED: Readonly<Record<string, string>> = { commat: '@', sol: '/', lowbar: '_', period: '.' };
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
export function userMarkdown(text: string, options: { readonly inline?: boolean } = {}): string {
  // Inline text (a title, a path) has no code blocks: a line starting with ``` or ~~~ there is shown as prose.
  const fences = options.inline !== true;
  const decoded = outsideCode(stripControl(text), decodeMentionEntities, fences);
  // Comments are closed off everywhere, code included: markers are found in the raw text, not the rendered page.
  const uncommented = decoded.replace(/<!--/g, '&lt;!--').replace(/--!?>/g, '--&gt;');
  // Code spans and fenced blocks notify nobody and are shown verbatim: they are left as they are.
  return outsideCode(uncommented, (prose) => prose.replace(TEAM_MENTION_AT, `@${ZERO_WIDTH_SPACE}`), fences);
}

function decodeMentionEntities(text: string): string {
  return text.replace(MENTION_ENTITY, (entity, decimal?: string, hex?: string, name?: string) => {
    const code = decimal !== undefined ? Number(decimal) : hex !== undefined ? parseInt(hex, 16) : undefined;
    const char = name ? NAMED[name] : code !== undefined && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
    return char !== undefined && /^[@A-Za-z0-9/_.-]$/.test(char) ? char : entity;
  });
}

// An inline code span: a run of backticks, text, and a run of the same length, within one paragraph. A span opened
// by an escaped backtick is not one; what is not surely code is treated as prose (defusing there is harmless).
const CODE_SPAN = /(?<![`\\])(`+)(?!`)((?:(?!\n[ \t]*\n)[^])*?[^`])\1(?!`)/g;

/** Applies `fn` to the text outside fenced code blocks and inline code spans. */
function outsideCode(text: string, fn: (prose: string) => string, fences = true): string {
  const out: string[] = [];
  let prose: string[] = [];
  const flush = () => {
    if (prose.length === 0) return;
    const chunk = prose.join('\n');
    let result = '';
    let last = 0;
    for (const m of chunk.matchAll(CODE_SPAN)) {
      result += fn(chunk.slice(last, m.index)) + m[0];
      last = m.index + m[0].length;
    }
    out.push(result + fn(chunk.slice(last)));
    prose = [];
  };
  let open: string | undefined;
  for (const line of text.split('\n')) {
    const fence = fences ? /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line) : null;
    if (open === undefined) {
      const [, marker = '', rest = ''] = fence ?? [];
      if (fence && !(marker.startsWith('`') && rest.includes('`'))) {
        flush();
        open = marker;
        out.push(line);
      } else prose.push(line);
    } else {
      out.push(line);
      const [, marker = '', rest = ''] = fence ?? [];
      if (fence && marker[0] === open[0] && marker.length >= open.length && rest.trim() === '') open = undefined;
    }
  }
  flush();
  return out.join('\n');
}

/**
 * A single line of user text (titles, names): Markdown-safe, without line breaks, and with its HTML inert (cut
 * first, so an escape is never cut in half): a title's `<img onerror>` in a job summary or a table stays text.
 */
export function userLine(text: string, max = 256): string {
  const line = truncate(
    userMarkdown(text, { inline: true })
      .replace(/\s*\n\s*/g, ' ')
      .trim(),
    max,
  );
  return inertHtml(line, { inline: true });
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

const TRUNCATION_NOTE = /\n\n_\(truncated: (\d+) more characters not shown\)_$/;

/**
 * Cuts long text to `max` characters and says how much was left out. Text cut before is cut as its original would
 * be (the note counts from the original), so cutting twice gives what cutting once gives: a body rendered from a
 * cut entry equals one rendered from the text as typed.
 */
export function truncateWithNote(text: string, max: number): string {
  const noted = TRUNCATION_NOTE.exec(text);
  const kept = noted ? text.slice(0, noted.index) : text;
  if (kept.length <= max) return text;
  const hidden = kept.length - max + Number(noted?.[1] ?? 0);
  return `${kept.slice(0, max)}\n\n_(truncated: ${hidden} more characters not shown)_`;
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

/**
 * The text with what it leaves open closed at its end: a code fence, `<details>`, and the HTML blocks that run until
 * their closing tag (`<pre>`, `<script>`, `<style>`, `<textarea>`, `<?`, `<![CDATA[`). Left open, any of them swallows
 * whatever the template puts after the user's text, often the rest of the issue body.
 */
export function closeOpenBlocks(text: string): string {
  const fenced = closeOpenFence(text);
  const closers: string[] = [];
  let details = 0;
  let block: string | undefined;
  outsideCode(fenced, (prose) => {
    for (const line of prose.split('\n')) {
      if (block !== undefined) {
        if (line.toLowerCase().includes(block)) block = undefined;
        continue;
      }
      const start = /^ {0,3}<(pre|script|style|textarea)(?:[\s>]|$)|^ {0,3}(<\?)|^ {0,3}(<!\[CDATA\[)/i.exec(line);
      const end = start?.[1] ? `</${start[1].toLowerCase()}>` : start?.[2] ? '?>' : start?.[3] ? ']]>' : undefined;
      if (
        end &&
        !line
          .toLowerCase()
          .slice(start?.[0].length ?? 0)
          .includes(end)
      )
        block = end;
    }
    details += (prose.match(/<details[\s>]/gi) ?? []).length - (prose.match(/<\/details\s*>/gi) ?? []).length;
    return prose;
  });
  if (block) closers.push(block);
  for (let i = 0; i < details; i++) closers.push('</details>');
  return closers.length ? `${fenced}\n${closers.join('\n')}\n` : fenced;
}

/**
 * A title (an issue's, which GitHub shows as plain text): one line, no control characters, nothing escaped. Text read
 * back from a comment had its comments closed off by `userMarkdown`; a title shows them as typed.
 */
export function plainTitle(text: string, max = 256): string {
  return truncate(
    stripControl(text)
      .replace(/&lt;!--/g, '<!--')
      .replace(/--&gt;/g, '-->')
      .replace(/\s*\n\s*/g, ' ')
      .replace(TEAM_MENTION_AT, `@${ZERO_WIDTH_SPACE}`)
      .trim(),
    max,
  );
}

/**
 * Text whose HTML must not act (raw tags from titles, names and outsiders' comments): every `<` outside code is
 * written as `&lt;`, which GitHub and job summaries show as `<` and never parse as a tag (`<img onerror>`,
 * `<details>` left open). Markdown formatting and code stay as they are.
 */
export function inertHtml(text: string, options: { readonly inline?: boolean } = {}): string {
  return outsideCode(text, (prose) => prose.replace(/</g, '&lt;'), options.inline !== true);
}

// Any @-mention (a person's or a team's), and not an address like ops@example.com.
const ANY_MENTION_AT = /(?<![A-Za-z0-9])@(?=\\?[A-Za-z0-9])/g;

/**
 * Text nobody vouches for (an alert's title and description come from exception messages and payloads): every
 * @-mention outside code is defused, a person's too, so the text can notify nobody.
 */
export function withoutMentions(text: string): string {
  return outsideCode(decodeMentionEntities(text), (prose) => prose.replace(ANY_MENTION_AT, `@${ZERO_WIDTH_SPACE}`));
}

/** Team mentions GitHub would notify in this Markdown (after sanitizing there must be none). */
export function teamMentions(text: string): string[] {
  const found: string[] = [];
  outsideCode(text, (prose) => {
    const rendered = decodeMentionEntities(prose).replace(/\\([!-/:-@[-`{-~])/g, '$1');
    found.push(...[...rendered.matchAll(TEAM_MENTION)].map((m) => `@${m[1] ?? ''}`));
    return prose;
  });
  return found;
}
