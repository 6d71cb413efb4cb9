// Runs the built Action bundle the way the runner does: `node action/dist/index.js` with INPUT_* and GITHUB_*
// variables, an event payload file, and files for outputs and the job summary. Every run is checked for leaks of
// the token and the webhook URL.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Sandbox } from '../../sandbox/server';

export const ROOT = resolve(__dirname, '..', '..');
export const BUNDLE = join(ROOT, 'action', 'dist', 'index.js');
/** The workflow token of the sandbox: github-actions[bot], write access. */
import { ACTIONS_TOKEN, actionRunner, REPO_SLUG } from '../support/fixtures';

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
  const { env, workspace, outputPath, summaryPath } = actionRunner(sandbox, options);
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
  assertNoLeak(run, [
    options.inputs?.['github-token'] ?? TOKEN,
    options.inputs?.['webhook-url'] ?? '',
    ...(options.secrets ?? []),
  ]);
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
