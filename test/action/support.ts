// Runs the built Action bundle the way the runner does: `node action/dist/index.js` with INPUT_* and GITHUB_*
// variables, an event payload file, and files for outputs and the job summary. Every run is checked for leaks of
// the token and the webhook URL.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Sandbox } from '../../sandbox/server';

export const ROOT = resolve(__dirname, '..', '..');
export const BUNDLE = join(ROOT, 'action', 'dist', 'index.js');
/** The workflow token of the sandbox: github-actions[bot], write access. */
import { ACTIONS_TOKEN, REPO_SLUG } from '../support/fixtures';

export const TOKEN = ACTIONS_TOKEN;
export const REPO = REPO_SLUG;

let built: Promise<void> | undefined;

/** Builds action/dist/index.js once per test process, as `npm run build` does. */
export function buildAction(): Promise<void> {
  built ??= promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--only', 'action'], {
    cwd: ROOT,
  }).then(() => undefined);
  return built;
}

export interface ActionRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly workspace: string;
}

export interface RunOptions {
  readonly inputs: Record<string, string>;
  readonly eventName?: string;
  readonly event?: object;
  /** Files to put in the checkout (GITHUB_WORKSPACE), by relative path. */
  readonly files?: Record<string, string>;
  readonly env?: Record<string, string>;
  /** Secrets that must not appear anywhere but in the runner's add-mask command. */
  readonly secrets?: readonly string[];
}

/** `name<<DELIM\nvalue\nDELIM` blocks, as @actions/core writes them to GITHUB_OUTPUT. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^=<]+)<<(.+)$/.exec(lines[i] ?? '');
    if (match) {
      const [, name = '', delimiter] = match;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      outputs[name] = value.join('\n');
    } else if (lines[i]?.includes('=')) {
      const [name = '', ...rest] = (lines[i] ?? '').split('=');
      outputs[name] = rest.join('=');
    }
  }
  return outputs;
}

export async function runAction(sandbox: Sandbox, options: RunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-action-'));
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace);
  for (const [path, content] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(workspace, path)), { recursive: true });
    writeFileSync(join(workspace, path), content);
  }
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(options.event ?? {}));
  const outputPath = join(dir, 'output');
  const summaryPath = join(dir, 'summary.md');
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const inputs: Record<string, string> = {
    'github-token': TOKEN,
    'config-path': '.github/incidents.yml',
    'fail-on-freeze': 'true',
    'on-api-error': 'fail',
    bypass: 'false',
    remind: 'true',
    'api-retries': '3',
    ...options.inputs,
  };
  // Only what a runner provides: nothing of the test process's environment leaks in.
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value]),
    ),
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: REPO,
    GITHUB_EVENT_NAME: options.eventName ?? 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_API_URL: sandbox.url,
    GITHUB_SERVER_URL: sandbox.webUrl,
    GITHUB_WORKSPACE: workspace,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octo-lead',
    GITHUB_SHA: 'ffac537e6cbbf934b08745a378932722df287a53',
    GITHUB_REF: 'refs/heads/main',
    RUNNER_TEMP: dir,
    ...options.env,
  };
  const child = spawn(process.execPath, [BUNDLE], { env, cwd: workspace });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const run: ActionRun = {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(outputPath, 'utf8')),
    summary: readFileSync(summaryPath, 'utf8'),
    workspace,
  };
  assertNoLeak(run, [inputs['github-token'] ?? '', inputs['webhook-url'] ?? '', ...(options.secrets ?? [])]);
  return run;
}

/**
 * Secrets appear only in `::add-mask::` commands, which the runner consumes (they never reach the log); anywhere
 * else — other log lines, outputs, the job summary — is a leak.
 */
export function assertNoLeak(run: ActionRun, secrets: readonly string[]): void {
  for (const secret of secrets.filter(Boolean)) {
    const logLines = `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => line !== `::add-mask::${secret}`);
    assert.ok(!logLines.some((line) => line.includes(secret)), `a secret was printed:\n${run.stdout}\n${run.stderr}`);
    assert.ok(!JSON.stringify(run.outputs).includes(secret), 'a secret is in the outputs');
    assert.ok(!run.summary.includes(secret), 'a secret is in the job summary');
  }
}

/** The step's error message (`::error::…`), decoded. */
export function errorOf(run: ActionRun): string {
  const line = run.stdout.split('\n').find((l) => l.startsWith('::error'));
  return (line ?? '')
    .replace(/^::error[^:]*::/, '')
    .replace(/%0A/g, '\n')
    .replace(/%0D/g, '\r')
    .replace(/%25/g, '%');
}

/** Warnings (`::warning …::…`), decoded. */
export function warningsOf(run: ActionRun): string[] {
  return run.stdout
    .split('\n')
    .filter((l) => l.startsWith('::warning'))
    .map((l) =>
      l
        .replace(/^::warning[^:]*::/, '')
        .replace(/%0A/g, '\n')
        .replace(/%25/g, '%'),
    );
}
