// The docs stay true: what README.md, docs/, extension/README.md and action/README.md name exists, and everything
// that exists is named in README.md or docs/. What exists comes from the sources, never from a list kept here:
// palette titles, settings and keybindings from package.json `contributes`, Action modes from action/action.yml,
// CLI commands from cli/main.ts `allCommands()` (what `firebreak --help` prints).
//
// How a name counts as named (write new ones the same way, and this test finds them):
// - a palette command: its exact title in bold, `**Select Current Incident**` (docs/vscode.md lists them all). A bold
//   phrase of two or more words that a title contains, or that contains a title, and is no title itself
//   (`**Select Incident**`) is a title that does not exist.
// - a setting: in code, `firebreak.pollIntervalSeconds` (docs/vscode.md). Any `firebreak.word` in code must be a
//   setting or another contributed id (command, view, walkthrough).
// - a keybinding: in code, as package.json writes it (any case), `ctrl+k alt+l` and its macOS `cmd+k alt+l`
//   (docs/vscode.md).
//   Anything in code that starts like a chord (`ctrl+`, `cmd+`, `alt+`, `shift+`) must be one.
// - an Action mode: `mode: NAME`, in code or a YAML block (README.md's Action section lists them all). A new mode is
//   described in action.yml's `mode` input as `NAME` (what it does), and is in action/inputs.ts `MODES`.
// - a CLI command: `firebreak NAME` in code or a shell block, `npx firebreak NAME` too (docs/cli.md lists all).
// - a relative link or image, `[text](path#anchor)`, resolves to a file from the page's folder (`/path`: from the
//   repository's root, which GitHub and vsce both read that way), and its anchor to a heading of that file.
// A new command, setting, keybinding or mode therefore means a line in the doc named above; a renamed one fails here
// until the docs say the new name.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { allCommands } from '../../cli/main';

const ROOT = join(__dirname, '..', '..');

interface Page {
  readonly path: string;
  /** Lines outside fenced code blocks. */
  readonly prose: readonly { line: number; text: string }[];
  /** Inline code spans and fenced block lines, each with its line. */
  readonly code: readonly { line: number; text: string }[];
}

function markdownFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
}

function read(path: string): Page {
  const prose: { line: number; text: string }[] = [];
  const code: { line: number; text: string }[] = [];
  let fenced = false;
  readFileSync(join(ROOT, path), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const line = i + 1;
      if (/^\s*(```|~~~)/.test(text)) fenced = !fenced;
      else if (fenced) code.push({ line, text });
      else {
        prose.push({ line, text });
        for (const [, span] of text.matchAll(/`([^`]+)`/g)) code.push({ line, text: span ?? '' });
      }
    });
  return { path, prose, code };
}

/** Where the names must be: the README and the guides. */
const GUIDES = ['README.md', ...markdownFiles('docs')].map(read);
/** Pages that may name things, and so must name them right. */
const PAGES = [...GUIDES, read('extension/README.md'), read('action/README.md')];

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  contributes: {
    commands: readonly { command: string; title: string }[];
    configuration: { properties: Record<string, unknown> };
    keybindings: readonly { command: string; key: string; mac?: string }[];
    views: Record<string, readonly { id: string }[]>;
    walkthroughs: readonly { id: string }[];
  };
};
const { contributes } = manifest;
const TITLES = contributes.commands.map((c) => c.title);
const SETTINGS = Object.keys(contributes.configuration.properties);
const KEYS = contributes.keybindings.flatMap((k) => [k.key, ...(k.mac ? [k.mac] : [])]);
const CONTRIBUTED_IDS = new Set([
  ...SETTINGS,
  ...contributes.commands.map((c) => c.command),
  ...Object.values(contributes.views).flatMap((views) => views.map((v) => v.id)),
  ...contributes.walkthroughs.map((w) => w.id),
]);
const action = parse(readFileSync(join(ROOT, 'action', 'action.yml'), 'utf8')) as {
  inputs: Record<string, { description: string }>;
};
/** The modes action.yml's `mode` input describes: each one as `name` followed by what it does in parentheses. */
const ACTION_MODES = [...(action.inputs['mode']?.description ?? '').matchAll(/`([a-z-]+)` \(/g)].map((m) => m[1]);
/** The modes the Action accepts (action/inputs.ts `MODES`; read as text, the module loads @actions/core, ESM only). */
const MODES = [
  ...(
    /export const MODES = \[([^\]]*)\]/.exec(readFileSync(join(ROOT, 'action', 'inputs.ts'), 'utf8'))?.[1] ?? ''
  ).matchAll(/'([a-z-]+)'/g),
].map((m) => m[1]);
const CLI = allCommands();
const CLI_NAMES = new Set(CLI.flatMap((c) => [c.name, ...(c.aliases ?? [])]));

type Hit = { page: string; line: number; name: string };

function find(pages: readonly Page[], where: 'prose' | 'code', pattern: RegExp): Hit[] {
  return pages.flatMap((page) =>
    page[where].flatMap(({ line, text }) =>
      [...text.matchAll(pattern)].map((m) => ({ page: page.path, line, name: m[1] ?? '' })),
    ),
  );
}

const bold = (pages: readonly Page[]) => find(pages, 'prose', /\*\*([^*]+)\*\*/g);
const modes = (pages: readonly Page[]) => find(pages, 'code', /\bmode: ([a-z][a-z-]*)/g);
const cliCommands = (pages: readonly Page[]) => find(pages, 'code', /(?<![\w/.@-])firebreak ([a-z][a-z-]*)/g);
const settings = (pages: readonly Page[]) => find(pages, 'code', /(?<![\w/])(firebreak\.[A-Za-z]+)\b(?![.\w/-])/g);
const chords = (pages: readonly Page[]) =>
  pages.flatMap((page) =>
    page.code
      .filter(({ text }) => /^(ctrl|cmd|alt|shift|meta)\+/i.test(text))
      .map(({ line, text }) => ({ page: page.path, line, name: text })),
  );

/** The anchors GitHub gives a Markdown file's headings: lowercase, punctuation dropped, spaces as hyphens. */
function anchors(file: string): string[] {
  if (!file.endsWith('.md')) return [];
  return [...readFileSync(file, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
    (m[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-'),
  );
}

const at = (h: Hit) => `${h.page}:${h.line}`;
const words = (text: string) =>
  new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean),
  );
const within = (a: Set<string>, b: Set<string>) => [...a].every((w) => b.has(w));

/** The names that exist but appear nowhere in the guides, with the page that should name them. */
function undocumented(kind: string, all: readonly string[], named: readonly Hit[], home: string): string[] {
  const seen = new Set(named.map((h) => h.name));
  return all
    .filter((n) => !seen.has(n))
    .map((n) => `${kind} ${n} is named nowhere in README.md or docs/: add it to ${home}`);
}

describe('the docs (README.md, docs/, extension/README.md, action/README.md)', () => {
  it('the README is a newcomer’s page of at most 200 lines', () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').trimEnd().split('\n').length;
    assert.ok(lines <= 200, `README.md has ${lines} lines: move a face's details to its guide in docs/`);
  });

  it('every palette title they name in bold exists, and every title is named in bold', () => {
    const problems: string[] = [];
    for (const hit of bold(PAGES)) {
      if (TITLES.includes(hit.name)) continue;
      const phrase = words(hit.name);
      if (phrase.size < 2) continue;
      const near = TITLES.find((t) => within(phrase, words(t)) || within(words(t), phrase));
      if (near) problems.push(`${at(hit)}: **${hit.name}** is no command title in package.json; **${near}** is`);
    }
    problems.push(
      ...undocumented(
        'the command',
        TITLES.map((t) => `**${t}**`),
        bold(GUIDES).map((h) => ({ ...h, name: `**${h.name}**` })),
        'docs/vscode.md',
      ),
    );
    assert.deepEqual(problems, []);
  });

  it('every firebreak.* setting they name exists, and every setting is named', () => {
    const problems = settings(PAGES)
      .filter((h) => !CONTRIBUTED_IDS.has(h.name))
      .map((h) => `${at(h)}: \`${h.name}\` is no setting (or other id) in package.json contributes`);
    problems.push(...undocumented('the setting', SETTINGS, settings(GUIDES), 'docs/vscode.md'));
    assert.deepEqual(problems, []);
  });

  it('every keybinding they name exists, and every keybinding (and its macOS chord) is named', () => {
    const problems = chords(PAGES)
      .filter((h) => !KEYS.includes(h.name.toLowerCase()))
      .map((h) => `${at(h)}: \`${h.name}\` is no keybinding in package.json (write it as package.json does)`);
    problems.push(...undocumented('the keybinding', KEYS, chords(GUIDES), 'docs/vscode.md'));
    assert.deepEqual(problems, []);
  });

  it('every Action mode they name exists in action/action.yml, and all of them are named', () => {
    assert.deepEqual([...ACTION_MODES].sort(), [...MODES].sort(), "action.yml's mode input describes every mode");
    const problems = modes(PAGES)
      .filter((h) => !ACTION_MODES.includes(h.name))
      .map((h) => `${at(h)}: mode: ${h.name} is no mode of action/action.yml (${ACTION_MODES.join(', ')})`);
    problems.push(...undocumented('mode:', ACTION_MODES as string[], modes(GUIDES), "README.md's Action section"));
    assert.deepEqual(problems, []);
  });

  it('every CLI command they name exists in firebreak --help, and every command is named', () => {
    const problems = cliCommands(PAGES)
      .filter((h) => !CLI_NAMES.has(h.name))
      .map((h) => `${at(h)}: firebreak ${h.name} is no command of cli/main.ts allCommands()`);
    const named = cliCommands(GUIDES);
    problems.push(
      ...undocumented(
        'firebreak',
        CLI.map((c) => c.name),
        named,
        'docs/cli.md',
      ),
    );
    assert.deepEqual(problems, []);
  });

  it('every relative link and image resolves to a file, and an anchor to one of its headings', () => {
    const problems: string[] = [];
    for (const page of PAGES)
      for (const { line, text } of page.prose)
        for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
          if (!target || /^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
          const [path = '', anchor] = decodeURI(target).split('#');
          const file = path.startsWith('/') ? join(ROOT, path) : join(ROOT, dirname(page.path), path);
          const where = `${page.path}:${line}: ${target}`;
          if (!existsSync(file)) problems.push(`${where} (${relative(ROOT, file)} does not exist)`);
          else if (anchor && !anchors(file).includes(anchor))
            problems.push(`${where} (no heading of ${relative(ROOT, file)} has the anchor #${anchor})`);
        }
    assert.deepEqual(problems, []);
  });
});
