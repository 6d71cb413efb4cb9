// Loads and validates `.github/incidents.yml`: the schema entry point (config/schema.ts) and one module per section
// (config/*.ts), re-exported here so importers name one module. Every field is optional; errors say what is allowed.
export * from './config/alerts';
export * from './config/deployments';
export * from './config/labels';
export * from './config/roles';
export * from './config/schema';
export * from './config/services';
export * from './config/severities';
export * from './config/slack';
export { formatDuration, MAX_DURATION_MINUTES, parseDuration, parseRepo } from './config/shared';
export * from './config/status-page';
export * from './config/timeline-reaction';
