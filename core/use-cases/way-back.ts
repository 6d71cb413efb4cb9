// The ways back from a suspect change (revert, roll back) over a connection (core/wiring.ts), as the CLI and the
// editor build them: the checkout's git, the changes gateway, and the log use case (log-entry.ts).
import type { RepoRef } from '../domain/incident';
import { OctokitChangesGateway } from '../github/changes-gateway';
import { GitCheckout, type Checkout } from '../git-checkout';
import type { Connection } from '../wiring';
import type { IncidentContext } from './incident-context';
import { LogEntry } from './log-entry';
import { RevertSuspect } from './revert';
import { RollbackDeploy } from './rollback';
import { suspectsFor, type Suspects, type SuspectsOptions } from './suspects';

export interface WayBackOptions extends SuspectsOptions {
  /** Whoever acts: its `log` records the destructive action on the incident. */
  readonly service: IncidentContext;
  /** The user's checkout: a directory (git itself runs there) or a Checkout. */
  readonly checkout?: string | Checkout;
  readonly suspects?: Suspects;
}

function changes(connection: Connection) {
  return (repo: RepoRef) => new OctokitChangesGateway(repo, connection.client);
}

export function revertFor(connection: Connection, options: WayBackOptions & { checkout: string | Checkout }) {
  const checkout = typeof options.checkout === 'string' ? new GitCheckout(options.checkout) : options.checkout;
  return new RevertSuspect({
    checkout,
    changes: changes(connection),
    log: (incident, input) => new LogEntry(options.service).run(incident, input),
  });
}

export function rollbackFor(connection: Connection, options: WayBackOptions): RollbackDeploy {
  return new RollbackDeploy({
    config: connection.config,
    changes: changes(connection),
    suspects: options.suspects ?? suspectsFor(connection, options),
    log: (incident, input) => new LogEntry(options.service).run(incident, input),
    webUrl: connection.webUrl,
  });
}
