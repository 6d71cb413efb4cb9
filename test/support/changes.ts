// One state change of each kind, as the concurrency suites (test/core/view-convergence, the reliability campaign's
// concurrent changes) apply them: by number (the CLI) or on a loaded incident (the extension).
import type { Incident } from '../../core/domain/incident';
import type { IncidentService } from '../../core/use-cases/incident-service';

export type ChangeKind = 'severity' | 'status' | 'role' | 'handoff' | 'update' | 'release';

export interface ChangeSpec {
  readonly kind: ChangeKind;
  /** Picks the severity, status or role holder. */
  readonly value: number;
}

/** Applies the change as person `i`'s; `holders` are the logins roles go to. */
export function applyChange(
  service: IncidentService,
  ref: number | Incident,
  change: ChangeSpec,
  i: number,
  holders: readonly string[],
): Promise<unknown> {
  const holder = holders[change.value % holders.length] ?? 'octo-comms';
  switch (change.kind) {
    case 'severity':
      return service.setSeverity(ref, ['critical', 'major', 'minor', 'triage'][change.value % 4] ?? 'critical');
    case 'status':
      return service.setStatus(ref, (['investigating', 'identified', 'monitoring'] as const)[change.value % 3]!);
    case 'role':
      return service.assignRole(ref, 'comms', holder);
    case 'handoff':
      return service.assignRole(ref, 'lead', holder, `Shift change ${i}`);
    case 'update':
      return service.postUpdate(ref, { text: `Update ${i}: rolling back.` });
    case 'release':
      return service.releaseRole(ref, 'scribe');
  }
}
