// The shape of a CLI command, shared by every command module.
import type { ParseArgsConfig } from 'node:util';
import type { Logger } from '../core/github/github-client';
import type { CliContext } from './context';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** All of stdin (for `--text-file -`); absent where there is none. */
  in?(): Promise<string>;
  /** Asks a yes/no question at a terminal; absent where there is no terminal to ask at. */
  confirm?(question: string): Promise<boolean>;
}

export interface RunContext {
  readonly io: Io;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly json: boolean;
  readonly log: Logger;
  /** Loaded before the command runs; standalone commands (sandbox, drill) have none and never touch git or config. */
  context(): CliContext;
}

export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface Command {
  readonly name: string;
  /** Older names that still work (e.g. `summary` for `status`). */
  readonly aliases?: readonly string[];
  readonly summary: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Needs no repository, config or token (sandbox, drill): nothing is loaded before it runs. */
  readonly standalone?: boolean;
  run(values: OptionValues, positionals: string[], ctx: RunContext): Promise<number | void>;
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
