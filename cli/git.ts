// The few git facts the CLI needs (commit, remote, repository root), read with the git binary.
import { execFileSync } from 'node:child_process';

function git(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function repositoryRoot(cwd: string): string | undefined {
  return git(['rev-parse', '--show-toplevel'], cwd);
}

export function headCommit(cwd: string): string | undefined {
  return git(['rev-parse', 'HEAD'], cwd);
}

export function originUrl(cwd: string): string | undefined {
  return git(['remote', 'get-url', 'origin'], cwd);
}

/** Whether the commit is on some remote-tracking branch, i.e. a permalink to it will resolve for others. */
export function isPushed(cwd: string, commit: string): boolean {
  const branches = git(['branch', '-r', '--contains', commit], cwd);
  return branches !== undefined && branches.length > 0;
}
