// A measuring harness, not a product path: loads the built extension (dist/extension.js) in a plain Node process with
// a minimal in-memory `vscode` module (registered through Module._resolveFilename and require.cache) that records
// every API call, calls `activate` as VS Code's extension host would, and counts any attempt to use the network
// (sockets, DNS, http(s), fetch). Prints one JSON line: load and activate times, network attempts, recorded calls.
//
// usage: node bench/activation-host.cjs <dist/extension.js> <workspace folder> <package.json>
'use strict';
const Module = require('node:module');
const net = require('node:net');
const tls = require('node:tls');
const dns = require('node:dns');
const http = require('node:http');
const https = require('node:https');
const path = require('node:path');
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');

const [bundle, folder, manifestPath] = process.argv.slice(2);
if (!bundle || !folder || !manifestPath) throw new Error('usage: activation-host.cjs <bundle> <folder> <package.json>');

// ---- network tripwires: every way out of the process is counted and refused -------------------------------------
const network = [];
function tripwire(owner, name) {
  const original = owner[name];
  if (typeof original !== 'function') return;
  owner[name] = function () {
    network.push(`${name} ${new Error().stack.split('\n').slice(2, 4).join(' <- ').trim()}`);
    throw new Error(`network use is refused by the activation benchmark (${name})`);
  };
}
tripwire(net.Socket.prototype, 'connect');
for (const name of ['connect', 'createConnection']) tripwire(net, name);
tripwire(tls, 'connect');
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) tripwire(dns, name);
for (const name of ['lookup', 'resolve']) tripwire(dns.promises, name);
for (const name of ['request', 'get']) {
  tripwire(http, name);
  tripwire(https, name);
}
tripwire(globalThis, 'fetch');

// ---- the in-memory vscode module ----------------------------------------------------------------------------------
const calls = new Map();
function record(name) {
  calls.set(name, (calls.get(name) ?? 0) + 1);
}

class Disposable {
  constructor(fn = () => {}) {
    this.fn = fn;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((d) => d?.dispose?.()));
  }
  dispose() {
    this.fn();
  }
}

class EventEmitter {
  constructor() {
    this.listeners = new Set();
    this.event = (listener) => {
      this.listeners.add(listener);
      return new Disposable(() => this.listeners.delete(listener));
    };
  }
  fire(value) {
    for (const listener of [...this.listeners]) listener(value);
  }
  dispose() {
    this.listeners.clear();
  }
}

/** An event nobody fires (workspace and window events during activation). */
function event(name) {
  return () => {
    record(name);
    return new Disposable();
  };
}

class Uri {
  constructor(scheme, fsPath, extra = {}) {
    this.scheme = scheme;
    this.fsPath = fsPath;
    this.path = fsPath;
    Object.assign(this, extra);
  }
  static file(p) {
    return new Uri('file', p);
  }
  static parse(text) {
    const url = new URL(text);
    return new Uri(url.protocol.replace(/:$/, ''), url.pathname, { authority: url.host });
  }
  static joinPath(base, ...parts) {
    return new Uri(base.scheme, path.posix.join(base.path, ...parts));
  }
  with(change) {
    return new Uri(change.scheme ?? this.scheme, change.path ?? this.path);
  }
  toString() {
    return `${this.scheme}://${this.path}`;
  }
}

class Position {
  constructor(line, character) {
    Object.assign(this, { line, character });
  }
}
class Range {
  constructor(a, b, c, d) {
    Object.assign(
      this,
      typeof a === 'number' ? { start: new Position(a, b), end: new Position(c, d) } : { start: a, end: b },
    );
  }
}
class Selection extends Range {}
class TreeItem {
  constructor(label, collapsibleState) {
    Object.assign(this, { label, collapsibleState });
  }
}
class ThemeIcon {
  constructor(id, color) {
    Object.assign(this, { id, color });
  }
}
class ThemeColor {
  constructor(id) {
    this.id = id;
  }
}
class MarkdownString {
  constructor(value = '') {
    this.value = value;
  }
  appendMarkdown(text) {
    this.value += text;
    return this;
  }
  appendText(text) {
    this.value += text;
    return this;
  }
}
class CodeLens {
  constructor(range, command) {
    Object.assign(this, { range, command });
  }
}
class SnippetString {
  constructor(value) {
    this.value = value;
  }
}
class FileSystemError extends Error {}

const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
const defaults = Object.fromEntries(
  Object.entries(manifest.contributes?.configuration?.properties ?? {}).map(([key, spec]) => [key, spec.default]),
);

function configuration(section) {
  record('workspace.getConfiguration');
  const prefix = section ? `${section}.` : '';
  return {
    get: (key, fallback) => defaults[`${prefix}${key}`] ?? fallback,
    has: (key) => `${prefix}${key}` in defaults,
    inspect: () => undefined,
    update: () => Promise.resolve(),
  };
}

/** A namespace that records calls: known members behave, unknown ones are recorded no-ops returning a Disposable. */
function namespace(name, members) {
  return new Proxy(members, {
    get(target, prop) {
      if (typeof prop !== 'string') return undefined;
      if (prop in target) {
        const value = target[prop];
        if (typeof value !== 'function') {
          record(`${name}.${prop}`);
          return value;
        }
        return (...args) => {
          record(`${name}.${prop}`);
          return value(...args);
        };
      }
      return (...args) => {
        record(`${name}.${prop} (stub)`);
        void args;
        return new Disposable();
      };
    },
  });
}

const resolved = (value) => () => Promise.resolve(value);
const outputChannel = (name) => ({
  name,
  logLevel: 2,
  onDidChangeLogLevel: event('LogOutputChannel.onDidChangeLogLevel'),
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  append() {},
  appendLine() {},
  replace() {},
  clear() {},
  show() {},
  hide() {},
  dispose() {},
});
const folderUri = Uri.file(folder);

const vscode = {
  Disposable,
  EventEmitter,
  Uri,
  Position,
  Range,
  Selection,
  TreeItem,
  ThemeIcon,
  ThemeColor,
  MarkdownString,
  CodeLens,
  SnippetString,
  FileSystemError,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  FileType: { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 },
  ExtensionMode: { Production: 1, Development: 2, Test: 3 },
  LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
  QuickPickItemKind: { Separator: -1, Default: 0 },
  window: namespace('window', {
    createOutputChannel: (name) => outputChannel(name),
    createTreeView: () => ({
      visible: false,
      badge: undefined,
      onDidChangeVisibility: event('TreeView.onDidChangeVisibility'),
      onDidExpandElement: event('TreeView.onDidExpandElement'),
      onDidCollapseElement: event('TreeView.onDidCollapseElement'),
      onDidChangeSelection: event('TreeView.onDidChangeSelection'),
      reveal: resolved(undefined),
      dispose() {},
    }),
    createStatusBarItem: () => ({
      text: '',
      tooltip: undefined,
      command: undefined,
      show() {},
      hide() {},
      dispose() {},
    }),
    showInformationMessage: resolved(undefined),
    showWarningMessage: resolved(undefined),
    showErrorMessage: resolved(undefined),
    activeTextEditor: undefined,
    visibleTextEditors: [],
    onDidChangeActiveTextEditor: event('window.onDidChangeActiveTextEditor'),
    onDidChangeTextEditorSelection: event('window.onDidChangeTextEditorSelection'),
    onDidChangeWindowState: event('window.onDidChangeWindowState'),
    state: { focused: true },
  }),
  commands: namespace('commands', {
    registerCommand: () => new Disposable(),
    executeCommand: resolved(undefined),
  }),
  workspace: namespace('workspace', {
    workspaceFolders: [{ uri: folderUri, name: path.basename(folder), index: 0 }],
    isTrusted: true,
    getConfiguration: (section) => configuration(section),
    getWorkspaceFolder: () => ({ uri: folderUri, name: path.basename(folder), index: 0 }),
    createFileSystemWatcher: () => ({
      onDidChange: event('FileSystemWatcher.onDidChange'),
      onDidCreate: event('FileSystemWatcher.onDidCreate'),
      onDidDelete: event('FileSystemWatcher.onDidDelete'),
      dispose() {},
    }),
    onDidChangeConfiguration: event('workspace.onDidChangeConfiguration'),
    onDidGrantWorkspaceTrust: event('workspace.onDidGrantWorkspaceTrust'),
    onDidChangeWorkspaceFolders: event('workspace.onDidChangeWorkspaceFolders'),
    onDidSaveTextDocument: event('workspace.onDidSaveTextDocument'),
    onDidChangeTextDocument: event('workspace.onDidChangeTextDocument'),
    fs: {
      stat: (uri) =>
        fs.promises.stat(uri.fsPath).then((s) => ({ type: s.isDirectory() ? 2 : 1, size: s.size, ctime: 0, mtime: 0 })),
      readFile: (uri) => fs.promises.readFile(uri.fsPath),
      readDirectory: (uri) =>
        fs.promises
          .readdir(uri.fsPath, { withFileTypes: true })
          .then((entries) => entries.map((e) => [e.name, e.isDirectory() ? 2 : 1])),
    },
  }),
  languages: namespace('languages', {
    registerCodeLensProvider: () => new Disposable(),
  }),
  authentication: namespace('authentication', {
    getSession: resolved(undefined),
    onDidChangeSessions: event('authentication.onDidChangeSessions'),
  }),
  extensions: namespace('extensions', {
    getExtension: () => undefined,
    onDidChange: event('extensions.onDidChange'),
  }),
  env: namespace('env', {
    openExternal: resolved(true),
    uriScheme: 'vscode',
    appName: 'Visual Studio Code',
    machineId: 'benchmark',
  }),
};

const VSCODE_ID = path.join(__dirname, '__vscode__.js');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode') return VSCODE_ID;
  return resolveFilename.call(this, request, ...rest);
};
const fake = new Module(VSCODE_ID);
fake.filename = VSCODE_ID;
fake.loaded = true;
fake.exports = vscode;
require.cache[VSCODE_ID] = fake;

// ---- the extension context --------------------------------------------------------------------------------------
class Memento {
  constructor() {
    this.values = new Map();
  }
  get(key, fallback) {
    return this.values.has(key) ? this.values.get(key) : fallback;
  }
  keys() {
    return [...this.values.keys()];
  }
  update(key, value) {
    record('Memento.update');
    this.values.set(key, value);
    return Promise.resolve();
  }
  setKeysForSync() {}
}
const secretsChanged = new EventEmitter();
const context = {
  subscriptions: [],
  workspaceState: new Memento(),
  globalState: new Memento(),
  secrets: {
    get: (key) => {
      record('SecretStorage.get');
      void key;
      return Promise.resolve(undefined);
    },
    store: () => Promise.resolve(),
    delete: () => Promise.resolve(),
    onDidChange: secretsChanged.event,
  },
  extensionUri: Uri.file(path.dirname(manifestPath)),
  extensionPath: path.dirname(manifestPath),
  storageUri: undefined,
  globalStorageUri: Uri.file(path.join(folder, '.global-storage')),
  logUri: Uri.file(path.join(folder, '.log')),
  extensionMode: 1,
  asAbsolutePath: (p) => path.join(path.dirname(manifestPath), p),
};

// ---- measure -----------------------------------------------------------------------------------------------------
const t0 = performance.now();
const extension = require(path.resolve(bundle));
const t1 = performance.now();
extension.activate(context);
const t2 = performance.now();

// Whatever activation scheduled for later (timers, promises) runs now; still no network before a command.
setTimeout(() => {
  const result = {
    loadMs: t1 - t0,
    activateMs: t2 - t1,
    network: network.length,
    networkDetail: network,
    subscriptions: context.subscriptions.length,
    commandsRegistered: calls.get('commands.registerCommand') ?? 0,
    calls: Object.fromEntries([...calls.entries()].sort((a, b) => b[1] - a[1])),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  for (const d of context.subscriptions) d?.dispose?.();
  process.exit(0);
}, 300);
