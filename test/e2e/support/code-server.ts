/**
 * Runs a real VS Code (code-server 4.139.1 = VS Code 1.139.1) on 127.0.0.1 for end-to-end tests.
 *
 *   const server = await startCodeServer({ workspace, extensionsDir, userDataDir, settings, env });
 *   ... drive server.url with ./workbench.ts ...
 *   await server.stop();
 *
 * Every server started here is killed (its whole process group) when the test process exits, however it exits;
 * if the test process is SIGKILLed, code-server gets SIGTERM from the kernel (setpriv --pdeathsig).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { e2eTools, sleep } from './tools';

export interface StartCodeServerOptions {
  /** Folder opened in the workbench. */
  workspace: string;
  /** Extensions dir (install a .vsix into it first with installExtension). */
  extensionsDir: string;
  /** VS Code user data dir; User/settings.json is (over)written in it. */
  userDataDir: string;
  /** Extra user settings, merged over the harness defaults (e.g. `{ 'firebreak.apiUrl': sandbox.url }`). */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host (`process.env` in the extension). */
  env?: Record<string, string>;
  /** Extra code-server command-line arguments. */
  args?: string[];
  /** How long to wait for the HTTP server to answer (default 90 s). */
  startTimeoutMs?: number;
}

export interface CodeServer {
  /** The workbench URL, with the workspace folder in it. */
  url: string;
  /** Base URL (http://127.0.0.1:PORT). */
  origin: string;
  port: number;
  pid: number;
  userDataDir: string;
  /** Everything code-server printed so far (stdout + stderr, newest 4 MB). */
  logs(): string;
  /** Stops code-server and everything it spawned (process group). Safe to call twice. */
  stop(): Promise<void>;
}

/** Settings every e2e workbench gets: no trust prompt, no telemetry, no welcome page, no distractions. */
export const DEFAULT_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'telemetry.feedback.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'remote.autoForwardPorts': false, // no "your application on port N is available" toasts for sandboxes
  'git.autofetch': false,
  'git.openRepositoryInParentFolders': 'never',
  'editor.accessibilitySupport': 'off',
};

// Variables that would change what code-server does (PORT beats --bind-addr, GITHUB_TOKEN becomes its GitHub
// login, VSCODE_IPC_HOOK_CLI makes it open the folder in the VS Code we are running inside instead of starting),
// or that leak the test runner's instrumentation into it.
const STRIPPED_ENV =
  /^(PORT|PASSWORD|HASHED_PASSWORD|GITHUB_TOKEN|GH_TOKEN|CODE_SERVER_.*|CS_.*|VSCODE_.*|ELECTRON_RUN_AS_NODE|NODE_OPTIONS|NODE_V8_COVERAGE|TS_NODE_.*|TSX_.*|npm_.*)$/;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' runs for normal ends, process.exit() (mocha does that) and uncaught errors.
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const child of live) killGroup(child, 'SIGKILL');
      // Keep the default "die on this signal" unless someone else (mocha) handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** A free TCP port on 127.0.0.1 (there is a small race until code-server binds it; startCodeServer retries). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function childEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!STRIPPED_ENV.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolveStatus) => {
    const req = request(url, { method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolveStatus(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveStatus(0));
    req.end();
  });
}

/** Writes User/settings.json in `userDataDir`: the harness defaults plus `settings`. */
export function writeUserSettings(userDataDir: string, settings: Record<string, unknown> = {}): string {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'settings.json');
  writeFileSync(file, JSON.stringify({ ...DEFAULT_SETTINGS, ...settings }, null, 2) + '\n');
  return file;
}

/**
 * Installs a .vsix into `extensionsDir` with code-server's own CLI (what `code --install-extension` does).
 * Throws with code-server's output if it did not report success.
 */
export function installExtension(
  vsixPath: string,
  extensionsDir: string,
  { userDataDir }: { userDataDir?: string } = {},
): string {
  const tools = e2eTools();
  mkdirSync(extensionsDir, { recursive: true });
  const scratch = userDataDir ?? mkdtempSync(join(tmpdir(), 'fbe2e-install-'));
  const result = spawnSync(
    tools.node,
    [
      tools.codeServerEntry,
      '--config',
      join(scratch, 'code-server.yaml'),
      '--user-data-dir',
      scratch,
      '--extensions-dir',
      resolve(extensionsDir),
      '--force',
      '--install-extension',
      resolve(vsixPath),
    ],
    { encoding: 'utf8', env: childEnv({}), timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (userDataDir === undefined) rmSync(scratch, { recursive: true, force: true });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`installing ${vsixPath} failed (exit ${result.status}):\n${output}`);
  }
  return output;
}

/** Starts code-server; resolves once it answers HTTP. */
export async function startCodeServer(options: StartCodeServerOptions): Promise<CodeServer> {
  const tools = e2eTools();
  installExitHook();
  const workspace = resolve(options.workspace);
  const extensionsDir = resolve(options.extensionsDir);
  const userDataDir = resolve(options.userDataDir);
  if (!existsSync(workspace)) throw new Error(`workspace ${workspace} does not exist`);
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, options.settings);

  // The session socket is a Unix socket (path limit ~107 bytes): keep it short and private to this server.
  const runDir = mkdtempSync(join(tmpdir(), 'fbcs-'));
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    try {
      return await launch(tools, { ...options, workspace, extensionsDir, userDataDir }, port, runDir);
    } catch (error) {
      lastError = error as Error;
      // Only a lost race for the port is worth another try.
      if (!/EADDRINUSE/.test(lastError.message)) break;
    }
  }
  rmSync(runDir, { recursive: true, force: true });
  throw lastError ?? new Error('code-server did not start');
}

async function launch(
  tools: ReturnType<typeof e2eTools>,
  options: StartCodeServerOptions,
  port: number,
  runDir: string,
): Promise<CodeServer> {
  const args = [
    tools.codeServerEntry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--config',
    join(runDir, 'config.yaml'),
    '--session-socket',
    join(runDir, 'ipc.sock'),
    '--user-data-dir',
    options.userDataDir,
    '--extensions-dir',
    options.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(options.args ?? []),
    options.workspace,
  ];
  // setpriv --pdeathsig: the kernel sends SIGTERM to code-server if this (test) process dies without cleanup.
  const useSetpriv = existsSync('/usr/bin/setpriv');
  const command = useSetpriv ? '/usr/bin/setpriv' : tools.node;
  const commandArgs = useSetpriv ? ['--pdeathsig', 'SIGTERM', '--', tools.node, ...args] : args;

  const child = spawn(command, commandArgs, {
    cwd: options.workspace,
    env: childEnv(options.env),
    detached: true, // own process group, so stop() reaches the extension host, pty host, watchers, …
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn code-server');

  const LOG_CAP = 4 * 1024 * 1024;
  let log = '';
  const append = (chunk: Buffer): void => {
    log += chunk.toString('utf8');
    if (log.length > LOG_CAP) log = log.slice(log.length - LOG_CAP);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolveExit) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolveExit();
    });
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (groupAlive(pid)) {
      killGroup(child, 'SIGTERM');
      const deadline = Date.now() + 8000;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
      if (groupAlive(pid)) {
        killGroup(child, 'SIGKILL');
        const killDeadline = Date.now() + 5000;
        while (groupAlive(pid) && Date.now() < killDeadline) await sleep(50);
      }
    }
    await Promise.race([exitPromise, sleep(2000)]);
    live.delete(child);
    rmSync(runDir, { recursive: true, force: true });
  };

  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`code-server exited (${exited.code ?? exited.signal}) before answering:\n${log}`);
    }
    if (/EADDRINUSE/.test(log)) {
      await stop();
      throw new Error(`code-server could not bind ${origin} (EADDRINUSE):\n${log}`);
    }
    const status = await httpStatus(`${origin}/healthz`);
    if (status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${origin} in time:\n${log}`);
    }
    await sleep(250);
  }

  return {
    url: `${origin}/?folder=${encodeURIComponent(options.workspace)}`,
    origin,
    port,
    pid,
    userDataDir: options.userDataDir,
    logs: () => log,
    stop,
  };
}
