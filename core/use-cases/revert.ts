// Revert a suspect: `git revert` on a stable branch `firebreak/revert-<short sha>` from origin's default branch,
// pushed (never forced), a pull request that says `Mitigates incident #N` (the freeze's hotfix lane), and one
// destructive `action` entry on the incident. A rerun finds its own branch and pull request and opens no second one.
import { FirebreakError, InputError } from '../domain/errors';
import { repoSlug, type Incident, type RepoRef, type TimelineEntry } from '../domain/incident';
import type { ChangesGateway, PullRef } from '../github/changes-gateway';
import type { Checkout } from '../git-checkout';
import type { LogInput } from './log-entry';

export interface RevertDeps {
  readonly checkout: Checkout;
  changes(repo: RepoRef): ChangesGateway;
  /** The log use case (LogEntry). */
  log(incident: Incident, input: LogInput): Promise<TimelineEntry>;
}

export interface RevertInput {
  readonly incident: Incident;
  /** The commit to revert (full or abbreviated sha). */
  readonly sha: string;
  /** The repository origin is on GitHub, where the pull request opens. */
  readonly repo: RepoRef;
}

/** Everything that will happen, known before anything is changed (for a confirmation). */
export interface RevertPlan {
  readonly incident: Incident;
  readonly repo: RepoRef;
  readonly sha: string;
  readonly subject: string;
  readonly branch: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
}

export interface RevertResult {
  readonly branch: string;
  readonly pull: PullRef;
  /** False when a previous run had opened it already. */
  readonly created: boolean;
}

export class RevertConflictError extends FirebreakError {
  constructor(
    readonly sha: string,
    readonly conflicts: readonly string[],
  ) {
    super(
      'conflict',
      `Reverting ${sha.slice(0, 7)} conflicts with later changes in ${conflicts.join(', ')}; nothing was pushed.`,
      'Revert it by hand and resolve the conflict, or roll back the deploy instead (firebreak rollback).',
    );
    this.name = 'RevertConflictError';
  }
}

export function revertBranch(sha: string): string {
  return `firebreak/revert-${sha.slice(0, 7)}`;
}

export class RevertSuspect {
  constructor(private readonly deps: RevertDeps) {}

  /** Reads the checkout (fetching origin) to say exactly what `run` will do; changes nothing. */
  async plan(input: RevertInput): Promise<RevertPlan> {
    const { checkout } = this.deps;
    const base = await checkout.fetchDefaultBranch();
    const sha = await checkout.resolveCommit(input.sha.trim());
    if (!sha)
      throw new InputError(
        `This checkout has no commit ${input.sha}.`,
        'Pass a commit of this repository (firebreak suspects N lists them), after git fetch.',
      );
    const subject = await checkout.subject(sha);
    const n = input.incident.number;
    return {
      incident: input.incident,
      repo: input.repo,
      sha,
      subject,
      branch: revertBranch(sha),
      base,
      title: `Revert "${subject}"`,
      body: [
        `Reverts ${sha} (${subject}), a suspect of incident #${n}.`,
        '',
        `Mitigates incident #${n}`,
        '',
        '_Opened with `firebreak revert`._',
      ].join('\n'),
    };
  }

  /** What `run` will do, in a sentence, for a confirmation. */
  describe(plan: RevertPlan): string {
    return (
      `Revert ${plan.sha.slice(0, 7)} "${plan.subject}": push branch ${plan.branch} (from origin/${plan.base}) to ` +
      `origin, open pull request ${plan.title} into ${plan.base} in ${repoSlug(plan.repo)} saying ` +
      `"Mitigates incident #${plan.incident.number}", and log it on incident #${plan.incident.number}.`
    );
  }

  async run(plan: RevertPlan): Promise<RevertResult> {
    const changes = this.deps.changes(plan.repo);
    let pull = await changes.openPullFrom(plan.branch);
    const created = !pull;
    if (!pull) {
      // A previous run may have pushed and then failed to open the pull request: its branch is reused as it is.
      if (!(await this.deps.checkout.remoteHasBranch(plan.branch))) {
        const { conflicts } = await this.deps.checkout.revertAndPush({
          sha: plan.sha,
          branch: plan.branch,
          base: plan.base,
        });
        if (conflicts) throw new RevertConflictError(plan.sha, conflicts);
      }
      pull = await changes.createPull({ title: plan.title, body: plan.body, head: plan.branch, base: plan.base });
    }
    // Keyed by the commit: a rerun whose entry landed logs nothing new.
    const key = `revert-${plan.sha}`;
    if (!plan.incident.timeline.some((entry) => entry.key === key)) {
      await this.deps.log(plan.incident, {
        kind: 'action',
        destructive: true,
        key,
        text: `Opened pull request #${pull.number} to revert ${plan.sha.slice(0, 7)} "${plan.subject}": ${pull.url}`,
      });
    }
    return { branch: plan.branch, pull, created };
  }
}
