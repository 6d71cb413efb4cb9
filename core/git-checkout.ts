// Git in the user's checkout, with git itself: what a revert needs (origin's default branch, a commit's subject, a
// revert on its own branch pushed to origin). The user's work tree is never touched: the revert happens in a
// temporary worktree, and nothing is ever force-pushed.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The port the revert use case drives; GitCheckout is the implementation over the git binary. */
export interface Checkout {
  /** Fetches origin and answers its default branch (origin/HEAD), e.g. `main`. */
  fetchDefaultBranch(): Promise<string>;
  /** The full sha of a commit the checkout has, or undefined. */
  resolveCommit(ref: string): Promise<string | undefined>;
  /** The first line of a commit's message. */
  subject(sha: string): Promise<string>;
  /** Whether origin has this branch now. */
  remoteHasBranch(branch: string): Promise<boolean>;
  /**
   * `git revert --no-edit sha` on a new branch from origin's `base`, pushed to origin; on a conflict nothing is
   * pushed and the conflicting paths are answered.
   */
  revertAndPush(input: { sha: string; branch: string; base: string }): Promise<{ conflicts?: string[] }>;
}

interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class GitCheckout implements Checkout {
  constructor(private readonly cwd: string) {}

  async fetchDefaultBranch(): Promise<string> {
    await this.must(['fetch', '--quiet', 'origin']);
    const symref = await this.run(['ls-remote', '--symref', 'origin', 'HEAD']);
    const branch = /^ref: refs\/heads\/(\S+)\s+HEAD/m.exec(symref.stdout)?.[1];
    if (!branch) throw new Error('origin has no default branch (its HEAD points nowhere)');
    return branch;
  }

  async resolveCommit(ref: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{4,40}$/i.test(ref)) return undefined;
    const result = await this.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return result.code === 0 ? result.stdout.trim() : undefined;
  }

  async subject(sha: string): Promise<string> {
    return (await this.must(['log', '-1', '--format=%s', sha])).trim();
  }

  async remoteHasBranch(branch: string): Promise<boolean> {
    const result = await this.must(['ls-remote', '--heads', 'origin', `refs/heads/${branch}`]);
    return result.trim().length > 0;
  }

  async revertAndPush(input: { sha: string; branch: string; base: string }): Promise<{ conflicts?: string[] }> {
    const dir = await mkdtemp(join(tmpdir(), 'firebreak-revert-'));
    let pushed = false;
    try {
      await this.must(['worktree', 'add', '--quiet', '-B', input.branch, dir, `origin/${input.base}`]);
      const inTree = (args: string[]) => this.run(args, dir);
      const reverted = await inTree(['revert', '--no-edit', input.sha]);
      if (reverted.code !== 0) {
        const unmerged = await inTree(['diff', '--name-only', '--diff-filter=U']);
        await inTree(['revert', '--abort']);
        const conflicts = unmerged.stdout.split('\n').filter(Boolean);
        if (conflicts.length === 0) throw new Error(`git revert failed: ${reverted.stderr.trim()}`);
        return { conflicts };
      }
      const push = await inTree(['push', '--quiet', 'origin', `${input.branch}:refs/heads/${input.branch}`]);
      if (push.code !== 0) throw new Error(`git push failed: ${push.stderr.trim()}`);
      pushed = true;
      return {};
    } finally {
      await this.run(['worktree', 'remove', '--force', dir]);
      await rm(dir, { recursive: true, force: true });
      // A revert that did not reach origin leaves no branch behind, so a rerun starts clean.
      if (!pushed) await this.run(['branch', '-D', input.branch]);
    }
  }

  private async must(args: string[], cwd = this.cwd): Promise<string> {
    const result = await this.run(args, cwd);
    if (result.code !== 0) throw new Error(`git ${args[0] ?? ''} failed: ${result.stderr.trim()}`);
    return result.stdout;
  }

  private run(args: string[], cwd = this.cwd): Promise<GitResult> {
    return new Promise((resolve) => {
      execFile('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
  }
}
