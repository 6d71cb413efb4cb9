// One state change of each kind, as the concurrency suites (test/core/view-convergence, the reliability campaign's
// concurrent changes) apply them: by number (the CLI) or on a loaded incident (the extension).
import type { Incident } from '../../core/domain/incident';
import type { IncidentContext } from '../../core/use-cases/incident-context';
import { AssignRole } from '../../core/use-cases/assign-role';
import { ChangeSeverity } from '../../core/use-cases/change-severity';
import { ChangeStatus } from '../../core/use-cases/change-status';
import { PostUpdate } from '../../core/use-cases/post-update';

export type ChangeKind = 'severity' | 'status' | 'role' | 'handoff' | 'update' | 'release';

export interface ChangeSpec {
  readonly kind: ChangeKind;
  /** Picks the severity, status or role holder. */
  readonly value: number;
}

/** Applies the change as person `i`'s; `holders` are the logins roles go to. */
export function applyChange(
  service: IncidentContext,
  ref: number | Incident,
  change: ChangeSpec,
  i: number,
  holders: readonly string[],
): Promise<unknown> {
  const holder = holders[change.value % holders.length] ?? 'octo-comms';
  switch (change.kind) {
    case 'severity':
      return new ChangeSeverity(service).run(
        ref,
        ['critical', 'major', 'minor', 'triage'][change.value % 4] ?? 'critical',
      );
    case 'status':
      return new ChangeStatus(service).run(
        ref,
        (['investigating', 'identified', 'monitoring'] as const)[change.value % 3]!,
      );
    case 'role':
      return new AssignRole(service).run(ref, 'comms', holder);
    case 'handoff':
      return new AssignRole(service).run(ref, 'lead', holder, `Shift change ${i}`);
    case 'update':
      return new PostUpdate(service).run(ref, { text: `Update ${i}: rolling back.` });
    case 'release':
      return new AssignRole(service).release(ref, 'scribe');
  }
}
