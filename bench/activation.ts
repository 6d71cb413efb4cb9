// Extension activation: the built dist/extension.js, loaded in a fresh Node process by bench/activation-host.cjs
// (a harness with an in-memory `vscode` module; see there), several times.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './cold-start';
import { stats, type Stats } from './measure';

export const EXTENSION_BUNDLE = join(ROOT, 'dist', 'extension.js');
const HOST = join(ROOT, 'bench', 'activation-host.cjs');

interface HostResult {
  readonly loadMs: number;
  readonly activateMs: number;
  readonly network: number;
  readonly networkDetail: readonly string[];
  readonly subscriptions: number;
  readonly commandsRegistered: number;
  readonly calls: Readonly<Record<string, number>>;
}

export interface Activation {
  readonly runs: number;
  /** Time inside activate(). */
  readonly activateMs: Stats;
  /** require() of the bundle before activate (module top level). */
  readonly loadMs: Stats;
  /** Network attempts during load, activate and the 300 ms after (the most of any run). */
  readonly network: number;
  readonly networkDetail: readonly string[];
  readonly subscriptions: number;
  readonly commandsRegistered: number;
  readonly calls: Readonly<Record<string, number>>;
}

export async function measureActivation(runs: number): Promise<Activation> {
  // A workspace the extension activates on (workspaceContains:.github/incidents.yml).
  const folder = mkdtempSync(join(tmpdir(), 'firebreak-bench-ws-'));
  mkdirSync(join(folder, '.github'));
  writeFileSync(join(folder, '.github', 'incidents.yml'), 'repository: acme/shop\n');
  const results: HostResult[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [HOST, EXTENSION_BUNDLE, folder, join(ROOT, 'package.json')],
      { env: { PATH: process.env['PATH'] ?? '' } },
    );
    // The first run warms the disk cache and is not counted.
    if (i > 0) results.push(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as HostResult);
  }
  const last = results[results.length - 1];
  return {
    runs,
    activateMs: stats(results.map((r) => r.activateMs)),
    loadMs: stats(results.map((r) => r.loadMs)),
    network: Math.max(...results.map((r) => r.network)),
    networkDetail: results.flatMap((r) => r.networkDetail),
    subscriptions: last?.subscriptions ?? 0,
    commandsRegistered: last?.commandsRegistered ?? 0,
    calls: last?.calls ?? {},
  };
}
