/**
 * One call to get a real VS Code with an extension installed, on a fresh git workspace, in a browser:
 *
 *   const vsix = packageExtension('test/e2e/fixtures/hello-extension');   // or the Firebreak .vsix
 *   const s = await startSession({ vsix, files: { 'src/app.ts': '...' }, settings: {...}, env: {...} });
 *   await s.wb.runCommand('...');
 *   await s.dispose();
 *
 * Everything lives in one temp folder (s.root), removed by dispose() unless FIREBREAK_E2E_KEEP=1.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { installExtension, startCodeServer, type CodeServer } from './code-server';
import { captureArtifacts, Workbench, type OpenWorkbenchOptions } from './workbench';

const removeAtExit: string[] = [];

/** A temp folder removed when the test process exits (unless FIREBREAK_E2E_KEEP=1). */
export function tempDirRemovedAtExit(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (removeAtExit.length === 0) {
    process.on('exit', () => {
      if (process.env.FIREBREAK_E2E_KEEP === '1') return;
      for (const d of removeAtExit) rmSync(d, { recursive: true, force: true });
    });
  }
  removeAtExit.push(dir);
  return dir;
}

/**
 * Packages an extension folder into a .vsix with @vscode/vsce, offline and without prompts
 * (--no-dependencies: bundle or .vscodeignore what you need; a missing LICENSE or repository is allowed).
 * vsce runs the package.json "vscode:prepublish" script if there is one.
 */
export function packageExtension(extensionDir: string, outFile?: string): string {
  const dir = resolve(extensionDir);
  const out = resolve(outFile ?? join(tempDirRemovedAtExit('fbe2e-vsix-'), 'extension.vsix'));
  mkdirSync(dirname(out), { recursive: true });
  const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
  const result = spawnSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out],
    {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 180_000,
      env: { ...process.env, CI: 'true' },
    },
  );
  if (result.status !== 0) {
    throw new Error(`vsce package failed in ${dir} (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
  return out;
}

export interface WorkspaceOptions {
  /** Files to create, by workspace-relative path. */
  files?: Record<string, string>;
  /** git init + commit the files (default true). */
  git?: boolean;
  /** URL of a git remote `origin` (e.g. 'https://github.com/acme/shop.git'), for code that reads owner/repo. */
  gitRemote?: string;
}

/** Creates `dir` with `files`, a git repository on branch main with one commit (and `origin` if asked). */
export function makeWorkspace(dir: string, { files = {}, git = true, gitRemote }: WorkspaceOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  if (git) {
    const run = (...args: string[]): void => {
      execFileSync(
        'git',
        [
          '-c',
          'user.name=Firebreak E2E',
          '-c',
          'user.email=e2e@firebreak.invalid',
          '-c',
          'commit.gpgsign=false',
          ...args,
        ],
        {
          cwd: dir,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    };
    run('init', '-q', '-b', 'main');
    run('add', '-A');
    run('commit', '-q', '--allow-empty', '-m', 'e2e fixture');
    if (gitRemote) run('remote', 'add', 'origin', gitRemote);
  }
  return dir;
}

export interface SessionOptions extends WorkspaceOptions {
  /** The .vsix to install (see packageExtension). More than one: pass an array. */
  vsix: string | string[];
  /** User settings (e.g. where the extension finds its sandbox API). */
  settings?: Record<string, unknown>;
  /** Environment of code-server and the extension host. */
  env?: Record<string, string>;
  /** Options for the browser side. */
  browser?: Omit<OpenWorkbenchOptions, 'url'>;
}

export interface Session {
  /** Temp folder holding workspace/, extensions/, user-data/. */
  root: string;
  workspace: string;
  extensionsDir: string;
  userDataDir: string;
  server: CodeServer;
  wb: Workbench;
  /** Closes the browser, stops code-server (whole process group) and removes `root`. Safe to call twice. */
  dispose(): Promise<void>;
}

/** Workspace + extension install + code-server + browser. On failure, saves artifacts and cleans up. */
export async function startSession(options: SessionOptions): Promise<Session> {
  const root = mkdtempSync(join(tmpdir(), 'fbe2e-'));
  const workspace = makeWorkspace(join(root, 'workspace'), options);
  const extensionsDir = join(root, 'extensions');
  const userDataDir = join(root, 'user-data');
  for (const vsix of Array.isArray(options.vsix) ? options.vsix : [options.vsix]) {
    installExtension(vsix, extensionsDir, { userDataDir: join(root, 'install-scratch') });
  }
  let server: CodeServer | undefined;
  let wb: Workbench | undefined;
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    await wb?.close();
    await server?.stop();
    if (process.env.FIREBREAK_E2E_KEEP !== '1') rmSync(root, { recursive: true, force: true });
    else console.log(`    e2e session kept in ${root}`);
  };
  try {
    server = await startCodeServer({
      workspace,
      extensionsDir,
      userDataDir,
      ...(options.settings ? { settings: options.settings } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
    wb = await Workbench.open({ ...options.browser, url: server.url });
    return { root, workspace, extensionsDir, userDataDir, server, wb, dispose };
  } catch (error) {
    const dir = await captureArtifacts('session-start', { workbench: wb, server });
    console.log(`    e2e session did not start; artifacts: ${dir}`);
    await dispose();
    throw error;
  }
}
