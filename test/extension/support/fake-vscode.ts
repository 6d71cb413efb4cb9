// A small stand-in for the `vscode` module, enough to activate the extension in a unit test: it records
// registered commands, `setContext` values, executed commands and created views, keeps settings and secrets in
// memory, and has no workspace folder. Loaded with `requireWithFakeVscode`, which resolves `vscode` to it.
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';

type Listener<T> = (value: T) => unknown;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Disposable {
  constructor(private readonly callOnDispose: () => void) {}
  dispose(): void {
    this.callOnDispose();
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static parse(value: string): Uri {
    const url = new URL(value);
    return new Uri(url.protocol.replace(/:$/, ''), url.pathname);
  }
  static file(path: string): Uri {
    return new Uri('file', path);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, join(base.path, ...parts));
  }
  with(change: { scheme?: string }): Uri {
    return new Uri(change.scheme ?? this.scheme, this.path);
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

class Plain {
  constructor(...args: unknown[]) {
    Object.assign(this, { args });
  }
}
export class TreeItem extends Plain {}
export class ThemeIcon extends Plain {}
export class ThemeColor extends Plain {}
export class MarkdownString extends Plain {}
export class Range extends Plain {}
export class CodeLens extends Plain {}
export class SnippetString extends Plain {}
export class FileSystemError extends Error {
  code = 'FileNotFound';
}
export const TreeItemCollapsibleState = { None: 0, Collapsed: 1, Expanded: 2 };
export const StatusBarAlignment = { Left: 1, Right: 2 };
export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 };
export const FileType = { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 };

export class FakeTreeView {
  visible = false;
  badge: unknown;
  readonly visibility = new EventEmitter<{ visible: boolean }>();
  readonly onDidChangeVisibility = this.visibility.event;
  constructor(
    readonly id: string,
    readonly options: unknown,
  ) {}
  /** What VS Code does when the person opens or closes the view. */
  show(visible: boolean): void {
    this.visible = visible;
    this.visibility.fire({ visible });
  }
  dispose(): void {
    this.visibility.dispose();
  }
}

type Handler = (...args: unknown[]) => unknown;

/** The state the fake keeps, for a test to arrange and inspect. */
export class FakeVscodeState {
  readonly settings = new Map<string, unknown>();
  readonly commands = new Map<string, Handler>();
  readonly contexts = new Map<string, unknown>();
  readonly executed: { command: string; args: unknown[] }[] = [];
  readonly messages: string[] = [];
  readonly treeViews: FakeTreeView[] = [];
  readonly log: string[] = [];
  readonly disposed: string[] = [];
  /** Language model tools registered with vscode.lm.registerTool, by name. */
  readonly tools = new Map<string, unknown>();
}

export const state = new FakeVscodeState();
const emitter = <T>() => new EventEmitter<T>().event;
const noop = { dispose: () => undefined };

const logChannel = (name: string) => {
  const line = (level: string) => (message: string) => void state.log.push(`${level} ${message}`);
  return {
    name,
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    trace: line('trace'),
    show: () => undefined,
    dispose: () => void state.disposed.push(`output:${name}`),
  };
};

export const commands = {
  registerCommand(id: string, handler: Handler) {
    if (state.commands.has(id)) throw new Error(`command ${id} already exists`);
    state.commands.set(id, handler);
    return new Disposable(() => state.commands.delete(id));
  },
  async executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    state.executed.push({ command, args });
    if (command === 'setContext') {
      state.contexts.set(args[0] as string, args[1]);
      return undefined;
    }
    return state.commands.get(command)?.(...args);
  },
};

export const window = {
  createOutputChannel: logChannel,
  createTreeView(id: string, options: unknown) {
    const view = new FakeTreeView(id, options);
    state.treeViews.push(view);
    return view;
  },
  createStatusBarItem: (id: string) => ({
    id,
    show: () => undefined,
    hide: () => undefined,
    dispose: () => void state.disposed.push(`status bar:${id}`),
  }),
  showInformationMessage: async (message: string) => void state.messages.push(message),
  showWarningMessage: async (message: string) => void state.messages.push(message),
  showErrorMessage: async (message: string) => void state.messages.push(message),
  withProgress: (_options: unknown, task: (progress: unknown) => Promise<unknown>) => task({ report: () => undefined }),
  activeTextEditor: undefined,
};

export const workspace = {
  workspaceFolders: undefined,
  isTrusted: true,
  getConfiguration: (section: string) => ({
    get: <T>(key: string, fallback?: T) => (state.settings.get(`${section}.${key}`) as T | undefined) ?? fallback,
  }),
  getWorkspaceFolder: () => undefined,
  createFileSystemWatcher: () => ({
    onDidChange: emitter<Uri>(),
    onDidCreate: emitter<Uri>(),
    onDidDelete: emitter<Uri>(),
    dispose: () => void state.disposed.push('file watcher'),
  }),
  onDidChangeConfiguration: emitter<unknown>(),
  onDidSaveTextDocument: emitter<unknown>(),
  onDidGrantWorkspaceTrust: emitter<void>(),
  fs: {
    stat: () => Promise.reject(new FileSystemError('no files in the fake workspace')),
    readFile: () => Promise.reject(new FileSystemError('no files in the fake workspace')),
  },
};

export const languages = { registerCodeLensProvider: () => noop, registerHoverProvider: () => noop };
export const lm = {
  registerTool(name: string, tool: unknown) {
    if (state.tools.has(name)) throw new Error(`tool ${name} already exists`);
    state.tools.set(name, tool);
    return { dispose: () => void state.tools.delete(name) };
  },
};
export class LanguageModelTextPart {
  constructor(readonly value: string) {}
}
export class LanguageModelToolResult {
  constructor(readonly content: unknown[]) {}
}
export const authentication = { onDidChangeSessions: emitter<unknown>(), getSession: async () => undefined };
export const extensions = { getExtension: () => undefined };
export const env = { openExternal: async () => true };

/** An ExtensionContext over memory: secrets, global and workspace state. */
export function extensionContext(secrets: Record<string, string> = {}) {
  const memento = () => {
    const values = new Map<string, unknown>();
    return {
      get: <T>(key: string) => values.get(key) as T | undefined,
      update: async (key: string, value: unknown) => void values.set(key, value),
      keys: () => [...values.keys()],
    };
  };
  const secretValues = new Map(Object.entries(secrets));
  const secretChanged = new EventEmitter<{ key: string }>();
  return {
    subscriptions: [] as { dispose(): unknown }[],
    globalState: memento(),
    workspaceState: memento(),
    secrets: {
      get: async (key: string) => secretValues.get(key),
      store: async (key: string, value: string) => {
        secretValues.set(key, value);
        secretChanged.fire({ key });
      },
      delete: async (key: string) => {
        secretValues.delete(key);
        secretChanged.fire({ key });
      },
      onDidChange: secretChanged.event,
    },
  };
}

const FAKE_ID = join(__dirname, '__vscode__');
let installed = false;

/** Requires a module of the extension with `vscode` resolved to this fake. */
export function requireWithFakeVscode<T>(path: string): T {
  if (!installed) {
    const loader = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
    const resolve = loader._resolveFilename;
    loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
      return request === 'vscode' ? FAKE_ID : resolve.call(this, request, ...rest);
    };
    const fake = new Module(FAKE_ID);
    fake.filename = FAKE_ID;
    fake.loaded = true;
    fake.exports = module.exports;
    require.cache[FAKE_ID] = fake;
    installed = true;
  }
  return createRequire(__filename)(path) as T;
}
