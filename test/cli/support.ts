// CLI fixtures: a user's checkout (git, an origin remote, an optional config) and `firebreak` run in-process
// against the sandbox, with its exit code and output.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';
import type { Sandbox } from '../../sandbox/server';

/** A git checkout with an origin remote and a commit, as a user's repository would be. */
export function aCheckout(config?: string, origin = 'https://github.com/acme/shop.git'): string {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-cli-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'dev@example.com');
  git('config', 'user.name', 'Dev');
  git('remote', 'add', 'origin', origin);
  writeFileSync(join(dir, 'README.md'), 'shop\n');
  if (config !== undefined) {
    mkdirSync(join(dir, '.github'));
    writeFileSync(join(dir, '.github', 'incidents.yml'), config);
  }
  git('add', '.');
  git('commit', '-q', '-m', 'init');
  return dir;
}

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `firebreak ARGS` in a checkout against the sandbox, as the token's user (the sandbox's admin by default). */
export function cliRunner(sandbox: () => Sandbox) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'firebreak-cache-'));
  return async (args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      args,
      {
        GITHUB_API_URL: sandbox().url,
        GITHUB_TOKEN: 'sandbox-token',
        GITHUB_SERVER_URL: sandbox().webUrl,
        FIREBREAK_CACHE_DIR: cacheDir,
        ...env,
      },
      { out: (t) => out.push(t), err: (t) => err.push(t) },
      cwd,
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
}
