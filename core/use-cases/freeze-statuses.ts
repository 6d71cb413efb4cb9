// Required checks that flip by themselves: the commit status `firebreak/freeze` on the head of every open pull
// request (and the default branch), `failure` while incidents freeze merges and `success` when not, written only
// where the state changes. A branch protection rule or ruleset that requires the check then blocks merging at
// declare and unblocks at resolve, with no CI rerun.
//
// What changed is known without reading every pull request's status: an `issues` event says what it did to one
// issue, so the decision before the event is the decision now with that issue as it was (`issueBefore`). Each pull
// request's state before and after follows from the two decisions and its body (the hotfix lane), both from the
// pull request list. Cost: the incident list(s), ⌈open pull requests/100⌉, one combined status of the default branch
// (its head commit and current state) and one write per pull request whose state flips (and the default branch's
// when it does). Without an event to diff against (a schedule, a manual run), each pull request's current status is
// read instead (one request each): the reconcile that heals anything a lost or failed run left behind.
import type { FirebreakConfig } from '../domain/config';
import type { IssueRecord } from '../domain/records';
import type { CommitState, CommitStatusGateway, PullSummary } from '../github/commit-statuses';
import { decideFreeze, type FreezeDecision, type FreezeIssues } from './freeze-decision';
import { hotfixClaims, withHotfix } from './hotfix';

export const FREEZE_CONTEXT = 'firebreak/freeze';

/** What an `issues` event did to one issue, from its payload. */
export interface IssueEventChange {
  readonly action: string;
  /** The issue as the event describes it (after the change). */
  readonly issue: IssueRecord;
  /** The label added or removed (labeled, unlabeled). */
  readonly label?: string;
  /** The body before an edit. */
  readonly previousBody?: string;
  readonly previousTitle?: string;
}

/** The issue before the event: undefined when it did not exist (opened); as is when nothing that matters changed. */
export function issueBefore(change: IssueEventChange): IssueRecord | undefined {
  const { issue } = change;
  switch (change.action) {
    case 'opened':
      return undefined;
    case 'closed':
      return { ...issue, state: 'open' };
    case 'reopened':
      return { ...issue, state: 'closed' };
    case 'labeled':
      return { ...issue, labels: issue.labels.filter((l) => l.toLowerCase() !== change.label?.toLowerCase()) };
    case 'unlabeled':
      return change.label ? { ...issue, labels: [...issue.labels, change.label] } : issue;
    case 'edited':
      return {
        ...issue,
        ...(change.previousBody !== undefined ? { body: change.previousBody } : {}),
        ...(change.previousTitle !== undefined ? { title: change.previousTitle } : {}),
      };
    default:
      return issue;
  }
}

/** The open incident issues as they were before the event: this one issue replaced by its earlier self. */
export function issuesBefore(read: FreezeIssues, change: IssueEventChange, incidentLabel: string): FreezeIssues {
  const before = issueBefore(change);
  const others = read.issues.filter((i) => i.number !== change.issue.number);
  const counted =
    before !== undefined &&
    before.state === 'open' &&
    before.labels.some((l) => l.toLowerCase() === incidentLabel.toLowerCase());
  return { ...read, issues: counted ? [...others, before] : others };
}

export interface FreezeStatus {
  readonly state: Extract<CommitState, 'success' | 'failure'>;
  readonly description: string;
}

function joinNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The status a change gets from a decision, with its hotfix claims applied. Never names a private incident. */
export function freezeStatus(decision: FreezeDecision, claimsText?: string): FreezeStatus {
  const { decision: own, hotfixed } = withHotfix(decision, hotfixClaims(claimsText));
  if (!own.frozen) {
    return {
      state: 'success',
      description:
        hotfixed.length > 0
          ? `Hotfix for ${joinNames(hotfixed.map((h) => `#${h.incident.number}`))}: passes its freeze`
          : 'No active incident freezes merges',
    };
  }
  const privateCount = own.privateFreezing.length;
  const names = [
    ...own.freezing.map((i) => `#${i.number}`),
    ...(privateCount > 0 ? [privateCount === 1 ? 'a private incident' : `${privateCount} private incidents`] : []),
  ];
  const description = `Frozen by ${joinNames(names)} until resolved`;
  return {
    state: 'failure',
    description: description.length <= 140 ? description : `Frozen by ${names.length} incidents until resolved`,
  };
}

export interface StatusSyncInput {
  readonly config: FirebreakConfig;
  /** The open incident issues now (readFreezeIssues). */
  readonly read: FreezeIssues;
  readonly options?: Parameters<typeof decideFreeze>[2];
  /** The `issues` event that triggered the run; without it, every pull request's current status is read. */
  readonly change?: IssueEventChange;
  /** Only pull requests into these base branches (default: all). */
  readonly branches?: readonly string[];
  /** The default branch, to mark its head too. */
  readonly defaultBranch?: string;
  /** The run, linked from each status. */
  readonly targetUrl?: string;
}

export interface StatusSyncResult {
  readonly decision: FreezeDecision;
  /** Pull requests considered (after the branches filter). */
  readonly pulls: number;
  /** Statuses written: pull request number (or the default branch name) and the new state. */
  readonly written: readonly { readonly target: string; readonly state: FreezeStatus['state'] }[];
  readonly unchanged: number;
}

/** Sets `firebreak/freeze` where its state changes: open pull requests (by base) and the default branch head. */
export async function syncFreezeStatuses(
  statuses: CommitStatusGateway,
  input: StatusSyncInput,
): Promise<StatusSyncResult> {
  const decision = decideFreeze(input.config, input.read, input.options);
  const previous = input.change
    ? decideFreeze(input.config, issuesBefore(input.read, input.change, input.config.labels.incident), input.options)
    : undefined;
  const branches = input.branches?.length ? new Set(input.branches) : undefined;
  const pulls = (await statuses.listOpenPulls()).filter((p) => !branches || branches.has(p.baseRef));
  const written: { target: string; state: FreezeStatus['state'] }[] = [];
  let unchanged = 0;
  const write = async (target: string, sha: string, status: FreezeStatus) => {
    await statuses.createStatus(sha, {
      context: FREEZE_CONTEXT,
      state: status.state,
      description: status.description,
      ...(input.targetUrl ? { targetUrl: input.targetUrl } : {}),
    });
    written.push({ target, state: status.state });
  };
  // Several pull requests may share a head commit: one status per commit.
  const seen = new Set<string>();
  for (const pull of pulls) {
    if (seen.has(pull.headSha)) continue;
    seen.add(pull.headSha);
    const next = freezeStatus(decision, pull.body);
    const before = previous
      ? freezeStatus(previous, pull.body).state
      : (await statuses.statusOf(pull.headSha, FREEZE_CONTEXT)).state;
    if (before === next.state) unchanged++;
    else await write(`#${pull.number}`, pull.headSha, next);
  }
  if (input.defaultBranch && (!branches || branches.has(input.defaultBranch))) {
    const head = await statuses.statusOf(input.defaultBranch, FREEZE_CONTEXT);
    const next = freezeStatus(decision);
    if (head.state === next.state) unchanged++;
    else await write(input.defaultBranch, head.sha, next);
  }
  return { decision, pulls: pulls.length, written, unchanged };
}

/** The status of one change (a pull request's head, a merge group's head) with its own hotfix claims. */
export async function setChangeStatus(
  statuses: CommitStatusGateway,
  decision: FreezeDecision,
  change: { readonly sha: string; readonly text?: string; readonly targetUrl?: string },
): Promise<FreezeStatus> {
  const status = freezeStatus(decision, change.text);
  await statuses.createStatus(change.sha, {
    context: FREEZE_CONTEXT,
    state: status.state,
    description: status.description,
    ...(change.targetUrl ? { targetUrl: change.targetUrl } : {}),
  });
  return status;
}

export type { PullSummary };
