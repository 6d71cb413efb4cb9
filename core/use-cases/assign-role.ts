// Give a role to someone (a handoff when someone held it) or release it: a role entry, its label and assignees.
import { requireRole } from '../domain/config';
import { InputError } from '../domain/errors';
import { isUnacknowledged, LEAD, type Incident, type TimelineEntry } from '../domain/incident';
import { stripControl } from '../domain/markdown';
import { normalizeLogin, type IncidentContext, type IncidentRef } from './incident-context';
import { gitHubUser, personNamed } from './role-holder';

export class AssignRole {
  constructor(private readonly ctx: IncidentContext) {}

  /** Gives a role to someone; when someone else held it, that is recorded as a handoff. */
  async run(ref: IncidentRef, roleName: string, login: string, note?: string): Promise<Incident> {
    const role = requireRole(this.ctx.config, roleName).name;
    const wanted = normalizeLogin(personNamed(login, this.ctx.actor));
    const { gateway } = this.ctx.locate(ref);
    const known = typeof ref === 'number' ? [] : Object.values(ref.roles);
    const [basis, to] = await Promise.all([this.ctx.prepare(ref), gitHubUser(gateway, wanted, this.ctx.actor, known)]);
    const from = basis.incident.roles[role];
    if (from === to) return this.ctx.complete(basis);
    const base = this.ctx.stamp();
    // Taking an alert's incident is the first person on it, not a handoff from the receiver: a role entry.
    const taking = role === LEAD && isUnacknowledged(basis.incident);
    const entry: TimelineEntry =
      from && !taking
        ? { ...base, kind: 'handoff', role, from, to, ...(note ? { note: stripControl(note).trim() } : {}) }
        : { ...base, kind: 'role', role, login: to };
    return this.ctx.change(basis, entry);
  }

  async release(ref: IncidentRef, roleName: string): Promise<Incident> {
    const role = requireRole(this.ctx.config, roleName).name;
    if (role === LEAD)
      throw new InputError('The lead role is always staffed.', 'Hand it over to someone else instead.');
    const basis = await this.ctx.prepare(ref);
    if (!basis.incident.roles[role]) return this.ctx.complete(basis);
    return this.ctx.change(basis, { kind: 'role', ...this.ctx.stamp(), role });
  }
}
