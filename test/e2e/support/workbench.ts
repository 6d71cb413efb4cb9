/**
 * Drives a real VS Code workbench (code-server) in Debian's chromium through playwright-core, the way a person
 * does: F1 and the command palette, typing into input boxes, clicking quick pick items, notification buttons,
 * tree rows and status bar items.
 *
 *   const wb = await Workbench.open({ url: server.url });
 *   await wb.runCommand('Hello Firebreak: Say Hello');
 *   await wb.typeIntoInput('World', { prompt: /Who should we say hello to/ });
 *   await wb.waitForNotification(/Said hello to World/);
 *   await wb.close();
 *
 * Selectors are those of VS Code 1.139 (code-server 4.139.1); they follow vscode's own smoke-test driver
 * (microsoft/vscode test/automation) where it has one. Every wait polls a condition; none sleeps blindly.
 */
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { CodeServer } from './code-server';
import { e2eTools, slug, waitFor } from './tools';

/** Chromium flags that work offline, as root, in containers (see shared/notes/real-vscode-offline.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--lang=en-US',
];

export interface OpenWorkbenchOptions {
  /** The workbench URL (CodeServer.url). */
  url: string;
  /** Show the browser window (needs a display). Default: headless, or FIREBREAK_E2E_HEADED=1 to show it. */
  headless?: boolean;
  /** Default 1280x800: large enough that the side bar, editor and notifications all show in screenshots. */
  viewport?: { width: number; height: number };
  /** How long the first workbench load may take (default 120 s; a cold 2-core machine needs ~5-15 s). */
  loadTimeoutMs?: number;
  /** Default timeout for each helper's wait (default 30 s). */
  timeoutMs?: number;
}

export type TextMatcher = string | RegExp;

export interface QuickInputRow {
  index: number;
  label: string;
  description: string;
  /** For command palette rows: the command id. */
  id: string;
  focused: boolean;
  checked: boolean | undefined;
}

export interface QuickInputState {
  visible: boolean;
  /** Whether the text box of the quick input has keyboard focus. */
  focused: boolean;
  value: string;
  title: string;
  placeholder: string;
  /** The prompt / validation message under the text box. */
  message: string;
  /** Validation decoration of the text box ('' when none). */
  severity: 'error' | 'warning' | 'info' | '';
  rows: QuickInputRow[];
}

export interface TreeRow {
  label: string;
  description: string;
  /** 1 for top-level rows. */
  level: number;
  /** undefined for leaves. */
  expanded: boolean | undefined;
  selected: boolean;
}

export interface SeenNotification {
  message: string;
  severity: 'info' | 'warning' | 'error' | 'unknown';
  /** ms since epoch when it was first rendered. */
  at: number;
}

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_ROWS = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;
const STATUS_BAR = '[id="workbench.parts.statusbar"]';
const STATUS_ITEMS = `${STATUS_BAR} .statusbar-item`;
const TOAST = '.notifications-toasts .notification-toast';
const CENTER = '.notifications-center';
const NOTIFICATION_ROW = '.notification-list-item';
const DIALOG = '.monaco-dialog-box';

const QUICK_ACCESS_PREFIX = /^(>|:|@|#|%|\?|view |edt mru |edt |task |debug |term |ext install |ext )/;

const isMac = process.platform === 'darwin';
const MOD = isMac ? 'Meta' : 'Control';

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function matches(text: string, matcher: TextMatcher, { exact }: { exact: boolean }): boolean {
  const t = normalize(text);
  if (typeof matcher !== 'string') return matcher.test(t);
  return exact ? t === normalize(matcher) : t.includes(normalize(matcher));
}

function describe(matcher: TextMatcher): string {
  return typeof matcher === 'string' ? JSON.stringify(matcher) : String(matcher);
}

// Runs in the page: records every notification that gets rendered, so that a toast which hid itself before the
// test looked (info toasts go after 10 s) is still seen by waitForNotification.
const RECORD_NOTIFICATIONS = `(() => {
  const seen = [];
  const keys = new Set();
  Object.defineProperty(window, '__firebreakNotifications', { value: seen, configurable: true });
  const scan = () => {
    for (const item of document.querySelectorAll('${NOTIFICATION_ROW}')) {
      const msg = item.querySelector('.notification-list-item-message');
      if (!msg) continue;
      const message = (msg.textContent || '').replace(/\\s+/g, ' ').trim();
      const icon = item.querySelector('.notification-list-item-icon');
      const cls = icon ? icon.className : '';
      const severity = /codicon-error/.test(cls) ? 'error' : /codicon-warning/.test(cls) ? 'warning'
        : /codicon-info/.test(cls) ? 'info' : 'unknown';
      const key = severity + '|' + message;
      if (!message || keys.has(key)) continue;
      keys.add(key);
      seen.push({ message, severity, at: Date.now() });
    }
  };
  const start = () => new MutationObserver(scan).observe(document.body, { childList: true, subtree: true, characterData: true });
  if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);
})();`;

export class Workbench {
  private readonly consoleLines: string[] = [];

  private constructor(
    readonly browser: Browser,
    readonly context: BrowserContext,
    /** The playwright Page, for anything the helpers do not cover. */
    readonly page: Page,
    readonly timeoutMs: number,
  ) {}

  /** Launches chromium, opens the workbench and waits until it is usable. */
  static async open(options: OpenWorkbenchOptions): Promise<Workbench> {
    const headless = options.headless ?? process.env.FIREBREAK_E2E_HEADED !== '1';
    const browser = await chromium.launch({ executablePath: e2eTools().chromium, headless, args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
      // tsx compiles this file with esbuild's keepNames, which wraps named functions in __name(...): give the page
      // a __name too, or any page.evaluate(callback) with an inner named function fails with "__name is not defined".
      await context.addInitScript('globalThis.__name = globalThis.__name || ((fn) => fn);');
      await context.addInitScript(RECORD_NOTIFICATIONS);
      const page = await context.newPage();
      const wb = new Workbench(browser, context, page, options.timeoutMs ?? 30_000);
      page.on('console', (m) => wb.consoleLines.push(`[${new Date().toISOString()}] ${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) =>
        wb.consoleLines.push(`[${new Date().toISOString()}] pageerror: ${e.stack ?? e.message}`),
      );
      const loadTimeout = options.loadTimeoutMs ?? 120_000;
      await page.goto(options.url, { timeout: loadTimeout });
      await page.waitForSelector('.monaco-workbench', { timeout: loadTimeout });
      // The status bar and activity bar come with the restored layout; keybindings work from then on.
      await page.waitForSelector(`${STATUS_BAR}`, { state: 'visible', timeout: loadTimeout });
      await page.waitForSelector('.activitybar .action-item', { state: 'visible', timeout: loadTimeout });
      return wb;
    } catch (error) {
      await browser.close().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
  }

  /** Browser console output and page errors seen so far. */
  consoleLog(): string {
    return this.consoleLines.join('\n');
  }

  // ---------------------------------------------------------------------------------------------
  // Quick input (command palette, InputBox, QuickPick, quick open)

  /** What the quick input widget shows right now. */
  async quickInputState(): Promise<QuickInputState> {
    return this.page.evaluate(
      ({ widgetSel, inputSel, rowSel }) => {
        const widget = [...document.querySelectorAll<HTMLElement>(widgetSel)].find(
          (w) => w.offsetParent !== null && getComputedStyle(w).display !== 'none',
        );
        const none: QuickInputState = {
          visible: false,
          focused: false,
          value: '',
          title: '',
          placeholder: '',
          message: '',
          severity: '',
          rows: [],
        };
        if (!widget) return none;
        const input = widget.querySelector<HTMLInputElement>(inputSel);
        const text = (el: Element | null | undefined): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
        const rows = [...widget.querySelectorAll<HTMLElement>(rowSel)]
          .filter((r) => r.offsetParent !== null)
          .map((r) => {
            const entry = r.querySelector('.quick-input-list-entry');
            const checkbox = r.querySelector('.quick-input-list-checkbox, input[type="checkbox"], .monaco-checkbox');
            return {
              index: Number(r.getAttribute('data-index') ?? '-1'),
              label:
                text(r.querySelector('.quick-input-list-row .label-name') ?? r.querySelector('.label-name')) ||
                (r.getAttribute('aria-label') ?? ''),
              description: text(r.querySelector('.quick-input-list-row .label-description')),
              id: entry?.getAttribute('data-quick-input-id') ?? '',
              focused: r.classList.contains('focused'),
              checked: checkbox
                ? checkbox instanceof HTMLInputElement
                  ? checkbox.checked
                  : checkbox.getAttribute('aria-checked') === 'true' || checkbox.classList.contains('checked')
                : undefined,
            };
          })
          .sort((a, b) => a.index - b.index);
        return {
          visible: true,
          focused: !!input && document.activeElement === input,
          value: input?.value ?? '',
          title: text(widget.querySelector('.quick-input-title')),
          placeholder: input?.getAttribute('placeholder') ?? '',
          message: text(widget.querySelector('.quick-input-message')),
          severity:
            (['error', 'warning', 'info'] as const).find((c) =>
              widget.querySelector(`.quick-input-box .monaco-inputbox.${c}`),
            ) ?? '',
          rows,
        };
      },
      { widgetSel: QUICK_INPUT, inputSel: '.quick-input-box input', rowSel: '.quick-input-list .monaco-list-row' },
    );
  }

  /** Presses Escape until no quick input is open. */
  async closeQuickInput(): Promise<void> {
    for (let i = 0; i < 5 && (await this.quickInputState()).visible; i++) {
      await this.page.keyboard.press('Escape');
      await waitFor('the quick input to close', async () => !(await this.quickInputState()).visible, {
        timeoutMs: 2000,
      }).catch(() => undefined);
    }
    if ((await this.quickInputState()).visible) throw new Error('the quick input does not close on Escape');
  }

  /** Opens a quick input with `key` (F1, Ctrl+P, …) and waits until its text box has focus. */
  private async openQuickInput(
    key: string,
    ready: (s: QuickInputState) => boolean,
    what: string,
  ): Promise<QuickInputState> {
    await this.closeQuickInput();
    let last: unknown;
    // Focus can be taken by something else just as the palette opens (a view restoring): retry like a person would.
    for (let attempt = 1; attempt <= 4; attempt++) {
      await this.page.keyboard.press(key);
      try {
        return await waitFor(
          what,
          async () => {
            const s = await this.quickInputState();
            return s.visible && s.focused && ready(s) ? s : undefined;
          },
          { timeoutMs: attempt === 1 ? 10_000 : 5_000 },
        );
      } catch (error) {
        last = error;
        await this.page.keyboard.press('Escape').catch(() => undefined);
      }
    }
    throw last instanceof Error ? last : new Error(`could not open ${what}`);
  }

  /** Replaces the quick input text by typing, as a person does (select all, type). */
  private async replaceQuickInputText(text: string): Promise<void> {
    await this.page.keyboard.press(`${MOD}+A`);
    if (text === '') await this.page.keyboard.press('Backspace');
    else await this.page.keyboard.type(text);
    await waitFor(
      `the quick input to read ${JSON.stringify(text)}`,
      async () => (await this.quickInputState()).value === text,
      {
        timeoutMs: 5000,
        intervalMs: 50,
      },
    );
  }

  /** After Enter/click: waits until the quick input closed or shows something else (next step, other prompt). */
  private async waitForQuickInputChange(before: QuickInputState, what: string, timeoutMs = 10_000): Promise<void> {
    await waitFor(
      what,
      async () => {
        const s = await this.quickInputState();
        return (
          !s.visible || s.value !== before.value || s.title !== before.title || s.placeholder !== before.placeholder
        );
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /**
   * Runs a command the way a person does: F1, type the title as shown in the palette (with its category,
   * e.g. "Firebreak: Declare Incident"), Enter. Waits for the palette to be ready first, keeps VS Code's
   * `>` prefix, and checks the row that is run really is `title` (exact match; the palette is fuzzy).
   */
  async runCommand(title: string, { timeoutMs = this.timeoutMs }: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const typed = `>${title}`;
    let row: QuickInputRow | undefined;
    // An open palette does not pick up commands registered after it opened (an extension still starting):
    // when the command is not listed, close the palette and open it again, like a person would.
    while (!row) {
      await this.openQuickInput('F1', (s) => s.value.startsWith('>'), 'the command palette');
      await this.replaceQuickInputText(typed);
      try {
        row = await waitFor(
          `command ${JSON.stringify(title)} in the palette`,
          async () => {
            const s = await this.quickInputState();
            if (s.value !== typed) throw new Error(`palette text is ${JSON.stringify(s.value)}`);
            const hit = s.rows.find((r) => matches(r.label, title, { exact: true }));
            if (!hit) throw new Error(`rows: ${JSON.stringify(s.rows.map((r) => r.label))}`);
            return hit;
          },
          { timeoutMs: Math.max(1000, Math.min(8000, deadline - Date.now())) },
        );
      } catch (error) {
        if (Date.now() >= deadline) throw error;
        await this.closeQuickInput();
      }
    }
    const before = await this.quickInputState();
    if (row.focused) await this.page.keyboard.press('Enter');
    else await this.page.locator(`${QUICK_INPUT_ROWS}[data-index="${row.index}"]`).click();
    await this.waitForQuickInputChange(before, `the palette to run ${JSON.stringify(title)}`);
  }

  /**
   * Answers an InputBox (or types into a QuickPick filter): waits for a quick input whose title, placeholder or
   * prompt matches `prompt` (recommended: it tells apart the steps of a multi-step flow), replaces its text with
   * `text` and presses Enter (unless `submit: false`). Throws with the validation message if the input stays put.
   */
  async typeIntoInput(
    text: string,
    {
      prompt,
      submit = true,
      timeoutMs = this.timeoutMs,
    }: { prompt?: TextMatcher; submit?: boolean; timeoutMs?: number } = {},
  ): Promise<void> {
    await waitFor(
      prompt ? `an input box matching ${describe(prompt)}` : 'an input box',
      async () => {
        const s = await this.quickInputState();
        if (!s.visible || !s.focused) return undefined;
        if (prompt) return matches(`${s.title} ${s.placeholder} ${s.message}`, prompt, { exact: false }) || undefined;
        return !s.value.startsWith('>') || undefined; // not the command palette still closing
      },
      { timeoutMs },
    );
    await this.replaceQuickInputText(text);
    if (!submit) return;
    const before = await this.quickInputState();
    await this.page.keyboard.press('Enter');
    // Accepted: the box closes or moves on. Refused: it stays, decorated as an error with the validation message.
    const started = Date.now();
    const outcome = await waitFor(
      `the input box to take ${JSON.stringify(text)}`,
      async () => {
        const s = await this.quickInputState();
        if (!s.visible || s.value !== before.value || s.title !== before.title || s.placeholder !== before.placeholder)
          return 'accepted';
        if (s.severity === 'error' && Date.now() - started > 1000) return s;
        return undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    ).catch((error: Error) => error);
    if (outcome === 'accepted') return;
    const s = await this.quickInputState();
    throw new Error(
      `the input box did not accept ${JSON.stringify(text)}; it says: ${JSON.stringify(s.message)}` +
        (outcome instanceof Error ? ` (${outcome.message})` : ''),
    );
  }

  /**
   * Picks an item of the open QuickPick by its label (exact string, or RegExp), clicking it. If it is not among
   * the rows shown, types the label into the filter first. `keepOpen: true` for multi-select picks (then
   * `acceptQuickInput()`); `prompt` waits for a quick pick whose title/placeholder matches.
   */
  async pickItem(
    label: TextMatcher,
    {
      keepOpen = false,
      prompt,
      timeoutMs = this.timeoutMs,
    }: { keepOpen?: boolean; prompt?: TextMatcher; timeoutMs?: number } = {},
  ): Promise<void> {
    const find = async (): Promise<QuickInputRow | undefined> => {
      const s = await this.quickInputState();
      if (!s.visible || s.rows.length === 0) return undefined;
      if (prompt && !matches(`${s.title} ${s.placeholder} ${s.message}`, prompt, { exact: false })) return undefined;
      return s.rows.find((r) => matches(r.label, label, { exact: true }));
    };
    const first = await waitFor(
      `a quick pick with ${describe(label)}`,
      async () => {
        const s = await this.quickInputState();
        if (!s.visible || s.rows.length === 0) return undefined;
        return (await find()) ?? 'not-listed';
      },
      { timeoutMs },
    );
    let row: QuickInputRow;
    if (first !== 'not-listed') {
      row = first;
    } else {
      if (typeof label !== 'string') {
        throw new Error(
          `no quick pick item matches ${describe(label)}; rows: ${JSON.stringify((await this.quickInputState()).rows.map((r) => r.label))}`,
        );
      }
      // Keep a quick access prefix ("view ", ">", ":", "@"…): without it the text is a file search.
      const prefix = QUICK_ACCESS_PREFIX.exec((await this.quickInputState()).value)?.[0] ?? '';
      await this.replaceQuickInputText(prefix + label);
      row = await waitFor(
        `quick pick item ${describe(label)} after filtering`,
        async () => {
          const hit = await find();
          if (!hit) throw new Error(`rows: ${JSON.stringify((await this.quickInputState()).rows.map((r) => r.label))}`);
          return hit;
        },
        { timeoutMs },
      );
    }
    const before = await this.quickInputState();
    await this.page.locator(`${QUICK_INPUT_ROWS}[data-index="${row.index}"]`).click();
    if (!keepOpen) await this.waitForQuickInputChange(before, `the quick pick to take ${describe(label)}`);
  }

  /** Presses Enter in the open quick input (e.g. to accept a multi-select pick) and waits for it to move on. */
  async acceptQuickInput(): Promise<void> {
    const before = await this.quickInputState();
    if (!before.visible) throw new Error('no quick input is open');
    await this.page.keyboard.press('Enter');
    await this.waitForQuickInputChange(before, 'the quick input to accept');
  }

  // ---------------------------------------------------------------------------------------------
  // Editors

  /** Opens a workspace file by its workspace-relative path through quick open (Ctrl+P), waits for its editor. */
  async openFile(relPath: string, { timeoutMs = this.timeoutMs }: { timeoutMs?: number } = {}): Promise<void> {
    const path = relPath.replace(/\\/g, '/').replace(/^\.\//, '');
    const name = posix.basename(path);
    const dir = posix.dirname(path);
    await this.openQuickInput(`${MOD}+P`, (s) => !s.value.startsWith('>'), 'quick open');
    await this.replaceQuickInputText(path);
    // Quick open lists the file's name as label and its folder as description; file search may need a moment.
    const row = await waitFor(
      `${path} in quick open`,
      async () => {
        const s = await this.quickInputState();
        const hit = s.rows.find(
          (r) =>
            r.label === name &&
            (dir === '.' || r.description === dir || r.description.endsWith(`/${dir}`) || r.description.endsWith(dir)),
        );
        if (!hit) throw new Error(`rows: ${JSON.stringify(s.rows.map((r) => `${r.label} — ${r.description}`))}`);
        return hit;
      },
      { timeoutMs },
    );
    if (row.focused) await this.page.keyboard.press('Enter');
    else await this.page.locator(`${QUICK_INPUT_ROWS}[data-index="${row.index}"]`).click();
    await waitFor(
      `an editor for ${path}`,
      async () => (await this.activeEditorTitle()) === name && (await this.editorHasFocus()),
      { timeoutMs },
    );
  }

  /** Name shown on the active editor tab ('' if none). */
  async activeEditorTitle(): Promise<string> {
    return this.page.evaluate(() => {
      // Tabs render the name as label-name "app" + label-suffix ".ts"; the tab's attributes carry the whole name.
      const tab = document.querySelector('.editor-group-container.active .tab.active');
      if (tab) return tab.getAttribute('data-resource-name') ?? tab.getAttribute('aria-label') ?? '';
      const single = document.querySelector('.editor-group-container.active .title-label');
      return (single?.textContent ?? '').trim();
    });
  }

  private async editorHasFocus(): Promise<boolean> {
    return this.page.evaluate(() => !!document.activeElement?.closest('.editor-group-container.active .monaco-editor'));
  }

  /**
   * Text of the lines the active editor renders now (top to bottom). Monaco renders only the lines in view, so
   * this is the whole document only for short ones; read the file from disk for anything else.
   */
  async visibleEditorText(): Promise<string> {
    return this.page.evaluate(() => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor');
      if (!editor) return '';
      const lines = [...editor.querySelectorAll<HTMLElement>('.view-lines .view-line')];
      lines.sort((a, b) => parseFloat(a.style.top || '0') - parseFloat(b.style.top || '0'));
      return lines.map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n');
    });
  }

  /** Text of the editor selection status item, e.g. "Ln 4, Col 7 (25 selected)". */
  async selectionStatus(): Promise<string> {
    const item = this.page.locator(`${STATUS_BAR} [id="status.editor.selection"]`);
    return normalize((await item.textContent({ timeout: 5000 }).catch(() => '')) ?? '');
  }

  /**
   * Selects lines `from`..`to` (1-based, inclusive) of the active editor with the keyboard: Go to Line (Ctrl+G)
   * `from`, then Shift+Down and Shift+End. The selection ends at the end of line `to` (no trailing newline).
   */
  async selectLines(from: number, to: number): Promise<void> {
    if (!(from >= 1 && to >= from)) throw new Error(`bad line range ${from}..${to}`);
    await this.openQuickInput(`${MOD}+G`, (s) => s.value.startsWith(':'), 'Go to Line');
    await this.replaceQuickInputText(`:${from}:1`);
    const before = await this.quickInputState();
    await this.page.keyboard.press('Enter');
    await this.waitForQuickInputChange(before, `Go to Line ${from}`);
    await waitFor(
      `the cursor on line ${from}`,
      async () => (await this.editorHasFocus()) && /^Ln \d+, Col 1\b/.test(await this.selectionStatus()),
      { timeoutMs: 10_000 },
    );
    for (let line = from; line < to; line++) await this.page.keyboard.press('Shift+ArrowDown');
    await this.page.keyboard.press('Shift+End');
    await waitFor(
      `lines ${from}-${to} selected`,
      async () => {
        const status = await this.selectionStatus();
        return new RegExp(`^Ln ${to}, Col \\d+( \\(\\d+ selected\\))?$`).test(status) ? status : undefined;
      },
      { timeoutMs: 10_000 },
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Notifications

  /** Every notification rendered since the page loaded (toasts that already hid themselves included). */
  async notifications(): Promise<SeenNotification[]> {
    return this.page.evaluate(() => [
      ...((window as unknown as { __firebreakNotifications?: SeenNotification[] }).__firebreakNotifications ?? []),
    ]);
  }

  /** Forgets the notifications seen so far and clears them from the workbench (Notifications: Clear All). */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.evaluate(() => {
      const seen = (window as unknown as { __firebreakNotifications?: unknown[] }).__firebreakNotifications;
      if (seen) seen.length = 0;
    });
  }

  /**
   * Waits for a notification whose message matches (a RegExp, or a substring), shown now or earlier since the
   * page loaded (see clearNotifications). Returns it.
   */
  async waitForNotification(
    message: TextMatcher,
    { severity, timeoutMs = this.timeoutMs }: { severity?: SeenNotification['severity']; timeoutMs?: number } = {},
  ): Promise<SeenNotification> {
    return waitFor(
      `a notification ${describe(message)}`,
      async () => {
        const all = await this.notifications();
        const hit = all.find(
          (n) => matches(n.message, message, { exact: false }) && (!severity || n.severity === severity),
        );
        if (!hit) throw new Error(`seen: ${JSON.stringify(all.map((n) => `${n.severity}: ${n.message}`))}`);
        return hit;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /**
   * Clicks a button (exact label) of a notification (optionally: whose message matches `message`). Uses the toast
   * if it is still shown, otherwise opens the Notification Center (info toasts with buttons hide after 10 s).
   */
  async clickNotificationButton(
    label: string,
    { message, timeoutMs = this.timeoutMs }: { message?: TextMatcher; timeoutMs?: number } = {},
  ): Promise<void> {
    const findButton = async (scope: string): Promise<ReturnType<Page['locator']> | undefined> => {
      const rows = this.page.locator(`${scope} ${NOTIFICATION_ROW}`);
      const count = await rows.count();
      for (let i = 0; i < count; i++) {
        const row = rows.nth(i);
        if (!(await row.isVisible())) continue;
        if (message) {
          const text = (await row.locator('.notification-list-item-message').textContent()) ?? '';
          if (!matches(text, message, { exact: false })) continue;
        }
        const button = row
          .locator('.notification-list-item-buttons-container .monaco-button')
          .filter({ hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) });
        if ((await button.count()) > 0 && (await button.first().isVisible())) return button.first();
      }
      return undefined;
    };
    const what = `notification button ${JSON.stringify(label)}${message ? ` on ${describe(message)}` : ''}`;
    if (message) await this.waitForNotification(message, { timeoutMs });
    const button = await waitFor(
      what,
      async () => {
        const inToast = await findButton(TOAST);
        if (inToast) return inToast;
        // Gone from the toasts: look in the Notification Center (open it once, keep looking).
        if (
          !(await this.page
            .locator(CENTER)
            .isVisible()
            .catch(() => false))
        ) {
          await this.page
            .locator(`${STATUS_BAR} [id="status.notifications"] a, ${STATUS_BAR} [id="status.notifications"]`)
            .first()
            .click()
            .catch(() => undefined);
        }
        return findButton(CENTER);
      },
      { timeoutMs },
    );
    await button.click();
    await waitFor(`${what} to go`, async () => !(await button.isVisible().catch(() => false)), {
      timeoutMs: 10_000,
    }).catch(() => undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // Modal dialogs (showInformationMessage/showWarningMessage with { modal: true })

  /** Waits for a modal dialog whose message (or detail) matches; returns its message and detail. */
  async waitForDialog(
    message: TextMatcher,
    { timeoutMs = this.timeoutMs }: { timeoutMs?: number } = {},
  ): Promise<{ message: string; detail: string }> {
    return waitFor(
      `a dialog ${describe(message)}`,
      async () => {
        const shown = await this.page.evaluate((sel) => {
          const box = [...document.querySelectorAll<HTMLElement>(sel)].find((b) => b.offsetParent !== null);
          if (!box) return undefined;
          const text = (e: Element | null): string => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();
          return {
            message: text(box.querySelector('.dialog-message-text')),
            detail: text(box.querySelector('.dialog-message-detail')),
          };
        }, DIALOG);
        if (!shown) throw new Error('no dialog is shown');
        if (!matches(`${shown.message} ${shown.detail}`, message, { exact: false }))
          throw new Error(`the dialog says ${JSON.stringify(shown)}`);
        return shown;
      },
      { timeoutMs },
    );
  }

  /** Clicks a button (exact label, e.g. 'Reset' or 'Cancel') of the modal dialog and waits for it to close. */
  async clickDialogButton(label: string, { timeoutMs = this.timeoutMs }: { timeoutMs?: number } = {}): Promise<void> {
    const button = this.page
      .locator(`${DIALOG} .dialog-buttons .monaco-button`)
      .filter({ hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) })
      .first();
    await button.waitFor({ state: 'visible', timeout: timeoutMs });
    await button.click();
    await this.page.locator(DIALOG).first().waitFor({ state: 'hidden', timeout: 10_000 });
  }

  // ---------------------------------------------------------------------------------------------
  // Views (side bar / panel) and tree views

  /** Opens a view by its name (the `name` in package.json `contributes.views`) via "View: Open View". */
  async openView(viewTitle: string, { timeoutMs = this.timeoutMs }: { timeoutMs?: number } = {}): Promise<void> {
    await this.runCommand('View: Open View', { timeoutMs });
    // The picker lists ~40 views and renders only the first rows: filter by the title, keeping its "view " prefix.
    await waitFor('the view picker', async () => (await this.quickInputState()).value.startsWith('view '), {
      timeoutMs: 10_000,
    });
    await this.replaceQuickInputText(`view ${viewTitle}`);
    await this.pickItem(viewTitle, { timeoutMs });
    await waitFor(
      `view ${JSON.stringify(viewTitle)} to show`,
      async () => this.viewPane(viewTitle).locator('.pane-body').isVisible(),
      { timeoutMs },
    );
  }

  /** The pane (header + body) of a view, found by its title; works when the header is merged into the container's. */
  viewPane(viewTitle: string): ReturnType<Page['locator']> {
    return this.page
      .locator('.pane')
      .filter({
        has: this.page.locator('.pane-header h3.title', {
          hasText: new RegExp(`^\\s*${escapeRegExp(viewTitle)}\\s*$`, 'i'),
        }),
      })
      .first();
  }

  /** Rows of a tree view that are rendered (visible) now, top to bottom. */
  async treeRows(viewTitle: string): Promise<TreeRow[]> {
    const pane = this.viewPane(viewTitle);
    if ((await pane.count()) === 0) return [];
    return pane.evaluate((el) => {
      const text = (e: Element | null): string => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();
      return [...el.querySelectorAll<HTMLElement>('.pane-body .monaco-list-row')]
        .filter((r) => r.offsetParent !== null)
        .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
        .map((r) => {
          const expanded = r.getAttribute('aria-expanded');
          return {
            label: text(r.querySelector('.label-name')),
            description: text(r.querySelector('.label-description')),
            level: Number(r.getAttribute('aria-level') ?? '1'),
            expanded: expanded === null ? undefined : expanded === 'true',
            selected: r.getAttribute('aria-selected') === 'true',
          };
        });
    });
  }

  /** Labels of the visible rows of a tree view. */
  async treeItems(viewTitle: string): Promise<string[]> {
    return (await this.treeRows(viewTitle)).map((r) => r.label);
  }

  /** Waits until the tree view shows a row whose label matches (exact string or RegExp); returns the labels. */
  async waitForTreeItem(
    viewTitle: string,
    label: TextMatcher,
    { timeoutMs = this.timeoutMs }: { timeoutMs?: number } = {},
  ): Promise<string[]> {
    return waitFor(
      `tree item ${describe(label)} in ${JSON.stringify(viewTitle)}`,
      async () => {
        const labels = await this.treeItems(viewTitle);
        if (!labels.some((l) => matches(l, label, { exact: true }))) throw new Error(`rows: ${JSON.stringify(labels)}`);
        return labels;
      },
      { timeoutMs },
    );
  }

  /** Clicks a tree row (selects it, toggles a folder, runs a TreeItem.command). */
  async clickTreeItem(
    viewTitle: string,
    label: TextMatcher,
    { timeoutMs = this.timeoutMs }: { timeoutMs?: number } = {},
  ): Promise<void> {
    await this.waitForTreeItem(viewTitle, label, { timeoutMs });
    const row = this.viewPane(viewTitle)
      .locator('.pane-body .monaco-list-row')
      .filter({
        has: this.page.locator('.label-name', {
          hasText: typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) : label,
        }),
      })
      .first();
    await row.click();
  }

  // ---------------------------------------------------------------------------------------------
  // Status bar

  /** Texts of the status bar items shown now (codicons dropped), left to right. */
  async statusBarItems(): Promise<string[]> {
    return this.page.evaluate(
      (sel) =>
        [...document.querySelectorAll<HTMLElement>(sel)]
          .filter((e) => e.offsetParent !== null)
          .map((e) =>
            (e.querySelector('.statusbar-item-label')?.textContent ?? e.textContent ?? '').replace(/\s+/g, ' ').trim(),
          )
          .filter((t) => t !== ''),
      STATUS_ITEMS,
    );
  }

  /** Waits for a status bar item whose text matches (substring or RegExp) and returns its text. */
  async statusBarText(
    matcher: TextMatcher,
    { timeoutMs = this.timeoutMs }: { timeoutMs?: number } = {},
  ): Promise<string> {
    return waitFor(
      `a status bar item ${describe(matcher)}`,
      async () => {
        const items = await this.statusBarItems();
        const hit = items.find((t) => matches(t, matcher, { exact: false }));
        if (!hit) throw new Error(`items: ${JSON.stringify(items)}`);
        return hit;
      },
      { timeoutMs },
    );
  }

  /** Clicks the status bar item whose text matches. */
  async clickStatusBarItem(
    matcher: TextMatcher,
    { timeoutMs = this.timeoutMs }: { timeoutMs?: number } = {},
  ): Promise<void> {
    const text = await this.statusBarText(matcher, { timeoutMs });
    await this.page.locator(`${STATUS_ITEMS} .statusbar-item-label`).filter({ hasText: text }).first().click();
  }

  // ---------------------------------------------------------------------------------------------
  // Artifacts

  async screenshot(path: string): Promise<string> {
    const file = resolve(path);
    mkdirSync(dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface ArtifactSources {
  workbench?: Workbench | undefined;
  server?: CodeServer | undefined;
}

/**
 * Saves what helps to understand a failure into `test-results/<name>/` (or $FIREBREAK_E2E_RESULTS/<name>):
 * screenshot.png, error.txt (captureOnFailure), code-server.log, browser-console.log, notifications.json and
 * vscode-logs/ (the workbench's
 * log folder: extension host log and every extension's output channel). Never throws; returns the folder.
 */
export async function captureArtifacts(name: string, { workbench, server }: ArtifactSources): Promise<string> {
  const dir = resolve(process.env.FIREBREAK_E2E_RESULTS ?? 'test-results', slug(name));
  mkdirSync(dir, { recursive: true });
  const attempt = async (what: string, fn: () => unknown): Promise<void> => {
    try {
      await fn();
    } catch (error) {
      writeFileSync(join(dir, `${what}.error.txt`), String((error as Error).stack ?? error));
    }
  };
  if (workbench) {
    await attempt('screenshot', () =>
      workbench.page.screenshot({ path: join(dir, 'screenshot.png'), timeout: 10_000 }),
    );
    await attempt('browser-console', () => writeFileSync(join(dir, 'browser-console.log'), workbench.consoleLog()));
    await attempt('notifications', async () =>
      writeFileSync(join(dir, 'notifications.json'), JSON.stringify(await workbench.notifications(), null, 2)),
    );
  }
  if (server) {
    await attempt('code-server', () => writeFileSync(join(dir, 'code-server.log'), server.logs()));
    const logs = join(server.userDataDir, 'logs');
    if (existsSync(logs))
      await attempt('vscode-logs', () => cpSync(logs, join(dir, 'vscode-logs'), { recursive: true }));
  }
  return dir;
}

/**
 * For a mocha afterEach: saves artifacts (see captureArtifacts) when the test that just ran failed.
 *
 *   afterEach(async function () { await captureOnFailure(this, { workbench: wb, server }); });
 */
export async function captureOnFailure(ctx: Mocha.Context, sources: ArtifactSources): Promise<string | undefined> {
  const test = ctx.currentTest;
  if (!test || test.state !== 'failed') return undefined;
  const dir = await captureArtifacts(test.fullTitle(), sources);
  if (test.err) writeFileSync(join(dir, 'error.txt'), String(test.err.stack ?? test.err.message));
  console.log(`    e2e artifacts for the failed test: ${dir}`);
  return dir;
}
