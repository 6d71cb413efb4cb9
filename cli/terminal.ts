// Text for a terminal: issue titles and entries are written by anyone, and a raw escape sequence in them could
// clear the screen, set the clipboard (OSC 52), retitle the window or reorder what a reader sees (bidi overrides).
/* eslint-disable no-control-regex */
// CSI, OSC and DCS-like sequences as a whole (an unterminated one ends at the line), else the lone ESC and the next
// character.
const ESCAPE_SEQUENCE =
  /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b\n]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b\n]*(?:\u001b\\)?|.)?/g;
// C0 controls but newline and tab, DEL, C1 controls (0x9B is a one-byte CSI), and the bidi and invisible marks.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;
/* eslint-enable no-control-regex */

/** The text with escape sequences and control, bidi and invisible characters removed; newlines and tabs kept. */
export function terminalText(text: string): string {
  // A zero-width space right after an @ is how Markdown output defuses a mention (markdown.ts): it stays, or
  // `firebreak retro N > file` would hand back a draft that notifies whoever it names once posted.
  return text
    .replace(/\r\n?/g, '\n')
    .replace(ESCAPE_SEQUENCE, '')
    .replace(CONTROL, (c: string, at: number, all: string) => (c === '\u200B' && all[at - 1] === '@' ? c : ''));
}
