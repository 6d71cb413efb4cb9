// The Action's cold start against its floor: `node action/dist/index.js` in freeze mode (as a runner starts it: INPUT_*
// and GITHUB_* variables, an event file, output and summary files) and a bare Node script making the same one request
// with fetch, run alternately in one loop so both see the same machine load.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Sandbox } from '../sandbox/server';
import { actionRunner } from '../test/support/fixtures';
import { stats, type Stats } from './measure';

export const ROOT = resolve(__dirname, '..');
export const ACTION_BUNDLE = join(ROOT, 'action', 'dist', 'index.js');
const FLOOR_SCRIPT = join(ROOT, 'bench', 'floor.cjs');

export interface ColdStart {
  readonly runs: number;
  readonly actionMs: Stats;
  readonly floorMs: Stats;
  /** median(action) ÷ median(floor) */
  readonly ratio: number;
  /** Requests the Action made per run (from the sandbox log). */
  readonly actionRequests: number;
  readonly floorRequests: number;
  readonly failures: readonly string[];
}

function runnerEnv(sandbox: Sandbox, repo: string): Record<string, string> {
  // A run that gates no change (workflow_dispatch): the freeze is then one request, like the floor. On push and pull
  // requests it reads its config from the default branch first (a second request), by design.
  return actionRunner(sandbox, { repo, inputs: { mode: 'freeze' }, eventName: 'workflow_dispatch' }).env;
}

/** Wall time from spawn to exit; rejects on a non-zero exit. */
function timeProcess(script: string, env: Record<string, string>): Promise<number> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [script], {
      env,
      cwd: env['GITHUB_WORKSPACE'],
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code === 0) done(ms);
      else fail(new Error(`${script} exited with ${String(code)}:\n${output}`));
    });
  });
}

/** `runs` pairs, alternating which of the two goes first, after one unmeasured warm-up of each. */
export async function measureColdStart(sandbox: Sandbox, repo: string, runs: number): Promise<ColdStart> {
  sandbox.setLatency(0);
  const env = runnerEnv(sandbox, repo);
  const failures: string[] = [];
  const action: number[] = [];
  const floor: number[] = [];
  const one = async (script: string, into: number[] | undefined) => {
    try {
      const ms = await timeProcess(script, env);
      into?.push(ms);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  };
  await one(ACTION_BUNDLE, undefined);
  await one(FLOOR_SCRIPT, undefined);
  let mark = sandbox.requests.length;
  await one(ACTION_BUNDLE, action);
  const actionRequests = sandbox.requests.length - mark;
  mark = sandbox.requests.length;
  await one(FLOOR_SCRIPT, floor);
  const floorRequests = sandbox.requests.length - mark;
  for (let i = 1; i < runs; i++) {
    if (i % 2 === 0) {
      await one(ACTION_BUNDLE, action);
      await one(FLOOR_SCRIPT, floor);
    } else {
      await one(FLOOR_SCRIPT, floor);
      await one(ACTION_BUNDLE, action);
    }
  }
  const actionMs = stats(action);
  const floorMs = stats(floor);
  return { runs, actionMs, floorMs, ratio: actionMs.median / floorMs.median, actionRequests, floorRequests, failures };
}
