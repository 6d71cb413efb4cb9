// The names the extension shares with package.json: command IDs, context keys (for `when` clauses), the view and
// the tree items' context values. No VS Code import; test/extension/ids.test.ts ties them to package.json.

/** Every command the extension registers; each is contributed in package.json with a title. */
export const COMMANDS = {
  declareIncident: 'firebreak.declareIncident',
  logEntry: 'firebreak.logEntry',
  logDestructiveAction: 'firebreak.logDestructiveAction',
  postUpdate: 'firebreak.postUpdate',
  postPublicUpdate: 'firebreak.postPublicUpdate',
  assignRole: 'firebreak.assignRole',
  takeLead: 'firebreak.takeLead',
  changeSeverity: 'firebreak.changeSeverity',
  resolveIncident: 'firebreak.resolveIncident',
  startRetro: 'firebreak.startRetro',
  postRetro: 'firebreak.postRetro',
  selectIncident: 'firebreak.selectIncident',
  openIncident: 'firebreak.openIncident',
  involveOwners: 'firebreak.involveOwners',
  startDrill: 'firebreak.startDrill',
  signIn: 'firebreak.signIn',
  signOut: 'firebreak.signOut',
  refresh: 'firebreak.refresh',
  showLog: 'firebreak.showLog',
  openCodeRef: 'firebreak.openCodeRef',
  showCodeMentions: 'firebreak.showCodeMentions',
  discardPending: 'firebreak.discardPending',
  retryPending: 'firebreak.retryPending',
  callBreak: 'firebreak.callBreak',
  skipRetro: 'firebreak.skipRetro',
  revertSuspect: 'firebreak.revertSuspect',
  rollBackDeploy: 'firebreak.rollBackDeploy',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/**
 * Commands registered but deliberately not contributed in package.json (none today). A command here is called
 * only by the extension itself; any other registered command must be contributed.
 */
export const INTERNAL_COMMANDS: readonly CommandId[] = [];

/** Context keys the extension sets with `setContext`; package.json `when` clauses may name only these. */
export const CONTEXT_KEYS = {
  /** A token is stored or a session is open. */
  signedIn: 'firebreak.signedIn',
  /** The store's state: idle, loading, loaded or error. */
  state: 'firebreak.state',
  hasIncidents: 'firebreak.hasIncidents',
  hasCurrent: 'firebreak.hasCurrent',
} as const;

export type ContextKey = (typeof CONTEXT_KEYS)[keyof typeof CONTEXT_KEYS];

/** Language model tools (agent mode); each is contributed in package.json `languageModelTools`. */
export const LM_TOOLS = {
  currentIncident: 'firebreak_current_incident',
  incidentHistory: 'firebreak_incident_history',
  logEntry: 'firebreak_log_entry',
  suspects: 'firebreak_suspects',
} as const;

export const VIEW_ID = 'firebreak.incidents';

export const STATUS_BAR_ID = 'firebreak.current';

/** `contextValue` of the tree items, matched by `viewItem` in package.json menus. */
export const VIEW_ITEMS = {
  incident: 'incident',
  currentIncident: 'incident.current',
  /** Declared from an alert and nobody has taken the lead yet (Take Lead is offered inline). */
  unacknowledgedIncident: 'incident.unacknowledged',
  currentUnacknowledgedIncident: 'incident.current.unacknowledged',
  role: 'role',
  latestUpdate: 'latestUpdate',
  entry: 'entry',
  codeRef: 'codeRef',
  pending: 'pending',
  failedPending: 'pending.failed',
  retrosDue: 'retrosDue',
  retroDue: 'retroDue',
} as const;

export type ViewItem = (typeof VIEW_ITEMS)[keyof typeof VIEW_ITEMS];
