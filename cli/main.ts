// The `firebreak` CLI: parses arguments, runs one command, and turns errors into a message and an exit code.
import { parseArgs } from 'node:util';
import { describeError, FirebreakError } from '../core/domain/errors';
import type { Logger } from '../core/github/github-client';
import type { Command, Io, RunContext } from './command';
import { buildContext, type CliContext } from './context';
import { actionCommands } from './action-commands';
import { drillCommand, sandboxCommand } from './drill';
import { historyCommand } from './history-command';
import { mcpCommand } from './mcp-command';
import { incidentCommands } from './incident-commands';
import { statusPageCommands } from './status-page-commands';
import { suspectsCommands } from './suspects-commands';
import { serveCommand } from './serve';
import { terminalText } from './terminal';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * One rule for every command: what the person can fix by typing something else (flags, values, the config file, which
 * repository) exits 2; GitHub refusing or failing, and anything unexpected, exits 1. (3 is the one-team check.)
 */
export function exitCodeOf(error: unknown): number {
  return error instanceof FirebreakError && (error.code === 'input' || error.code === 'config')
    ? EXIT_USAGE
    : EXIT_FAILED;
}

const GLOBAL_OPTIONS = {
  repo: { type: 'string', short: 'R' },
  'api-url': { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function allCommands(extra: readonly Command[] = []): Command[] {
  return [
    ...incidentCommands,
    historyCommand,
    ...suspectsCommands,
    ...actionCommands,
    ...statusPageCommands,
    ...extra,
    serveCommand,
    mcpCommand,
    sandboxCommand,
    drillCommand,
  ];
}

function helpText(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'firebreak: run incidents with GitHub issues as the system of record',
    '',
    'Usage: firebreak <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options for every command:',
    '  --repo, -R owner/name   incident repository (default: config `repository`, else the origin remote)',
    '  --api-url URL           GitHub API base (default: GITHUB_API_URL, else https://api.github.com)',
    '  --config PATH           config file (default: .github/incidents.yml)',
    '  --json                  machine-readable output',
    '  --verbose, -v           log requests and retries to stderr',
    '',
    'The token comes from GITHUB_TOKEN or GH_TOKEN. Try it without one: `firebreak drill`.',
  ].join('\n');
}

export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: Io,
  cwd = process.cwd(),
  extraCommands: readonly Command[] = [],
): Promise<number> {
  // Human output carries text anyone can write (titles, entries, arguments): no escape sequence reaches the
  // terminal. JSON output (--json) is left as it is, for programs; its strings are escaped.
  const raw = io;
  io = {
    out: (text) => raw.out(terminalText(text)),
    err: (text) => raw.err(terminalText(text)),
    ...(raw.in ? { in: raw.in } : {}),
    ...(raw.confirm ? { confirm: (question: string) => raw.confirm!(terminalText(question)) } : {}),
  };
  const commands = allCommands(extraCommands);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText(commands));
    return name ? EXIT_OK : EXIT_USAGE;
  }
  if (name === '--version') {
    io.out('firebreak 0.1.0');
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === name || c.aliases?.includes(name));
  if (!command) {
    io.err(`firebreak: unknown command "${name}".\n\n${helpText(commands)}`);
    return EXIT_USAGE;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.err(`firebreak ${name}: ${(error as Error).message}\nUsage: ${command.usage}`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(`${command.summary}\n\nUsage: ${command.usage}`);
    return EXIT_OK;
  }
  const verbose = values.verbose === true;
  const json = values.json === true;
  if (json) io = raw;
  const log: Logger = {
    debug: (m) => verbose && io.err(`debug: ${m}`),
    info: (m) => io.err(m),
    warn: (m) => io.err(`warning: ${m}`),
  };
  let context: CliContext | undefined;
  const ctx: RunContext = {
    io,
    env,
    cwd,
    json,
    log,
    context: () => {
      if (!context) throw new Error(`firebreak ${name} is standalone and has no repository context.`);
      return context;
    },
  };
  try {
    if (!command.standalone) {
      context = await buildContext(
        {
          ...(typeof values.repo === 'string' ? { repo: values.repo } : {}),
          ...(typeof values['api-url'] === 'string' ? { apiUrl: values['api-url'] } : {}),
          ...(typeof values.config === 'string' ? { config: values.config } : {}),
        },
        env,
        cwd,
        log,
      );
    }
    const code = await command.run(values, positionals, ctx);
    await context?.finish();
    return code ?? EXIT_OK;
  } catch (error) {
    const message = describeError(error);
    if (ctx.json)
      io.err(JSON.stringify({ error: message, code: error instanceof FirebreakError ? error.code : 'internal' }));
    else io.err(`firebreak ${name}: ${message}`);
    if (!(error instanceof FirebreakError) && verbose && error instanceof Error && error.stack) io.err(error.stack);
    return exitCodeOf(error);
  }
}
