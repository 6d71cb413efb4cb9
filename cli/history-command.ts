// `firebreak history PATH[:LINES]`: the past incidents whose entries pointed at a file (or some of its lines), with
// the references carried by git to the file as it is in the working tree.
import { relative, resolve } from 'node:path';
import { parseLineRange } from '../core/domain/code-ref';
import { InputError } from '../core/domain/errors';
import { repoSlug } from '../core/domain/incident';
import type { LineRange } from '../core/domain/line-map';
import { GitCli } from '../core/git-cli';
import { DEFAULT_LOOKBACK_DAYS, type PastMention } from '../core/use-cases/incident-history';
import { incidentHistory } from '../core/wiring';
import { stringOption, type Command } from './command';

/** `src/pay.ts:12-18` -> the path and lines; a path alone is the whole file. */
export function parseHistoryTarget(text: string): { path: string; lines?: LineRange } {
  const match = /^(.*?):(\d+(?:\s*-\s*\d+)?)$/.exec(text);
  if (!match?.[1]) return { path: text };
  return { path: match[1], lines: parseLineRange(match[2] ?? '') };
}

function day(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : '';
}

function describe(m: PastMention): string {
  const { incident, entry } = m;
  const status = incident.timestamps.resolved ? `resolved ${day(incident.timestamps.resolved)}` : incident.status;
  const lines = m.range[0] === m.range[1] ? `line ${m.range[0]}` : `lines ${m.range[0]}-${m.range[1]}`;
  return [
    `#${incident.number} ${incident.title} (${incident.severity}, ${status})${m.private ? ' [private]' : ''}`,
    `  ${lines}, ${entry.kind} by @${entry.by} on ${day(entry.at)}: ${entry.text.split('\n')[0] ?? ''}`,
    `  ${entry.url ?? incident.url}`,
  ].join('\n');
}

export const historyCommand: Command = {
  name: 'history',
  summary: 'List past incidents that touched a file or lines (references followed by git to the working tree)',
  usage: 'firebreak history PATH[:LINES] [--private] [--lookback-days N] [--json]',
  options: { private: { type: 'boolean' }, 'lookback-days': { type: 'string' } },
  async run(values, positionals, ctx) {
    const [given] = positionals;
    if (!given || positionals.length > 1)
      throw new InputError('Name one file, optionally with lines.', `Usage: ${this.usage}`);
    const { path, lines } = parseHistoryTarget(given);
    const context = ctx.context();
    const relativePath = relative(context.root, resolve(ctx.cwd, path)).replace(/\\/g, '/');
    if (relativePath.startsWith('..'))
      throw new InputError(`${path} is outside the repository at ${context.root}.`, 'Name a file of this checkout.');
    const daysText = stringOption(values, 'lookback-days') ?? String(DEFAULT_LOOKBACK_DAYS);
    const lookbackDays = Number(daysText);
    if (!Number.isInteger(lookbackDays) || lookbackDays < 1)
      throw new InputError(`--lookback-days must be a whole number of days, not "${daysText}".`);
    const history = incidentHistory(context.connection, {
      git: new GitCli(context.root),
      ...(context.codeRepo ? { codeRepo: context.codeRepo } : {}),
    });
    const result = await history.history(relativePath, lines, {
      lookbackDays,
      includePrivate: values.private === true,
    });
    history.notes.forEach((note) => ctx.log.warn(note));
    if (ctx.json) {
      ctx.io.out(
        JSON.stringify(
          result.mentions.map((m) => ({
            repository: repoSlug(m.incident.repo),
            number: m.incident.number,
            title: m.incident.title,
            severity: m.incident.severity,
            status: m.incident.status,
            url: m.incident.url,
            private: m.private,
            path: m.path,
            startLine: m.range[0],
            endLine: m.range[1],
            kind: m.entry.kind,
            text: m.entry.text,
            entryUrl: m.entry.url,
            permalink: m.entry.code.permalink,
          })),
          null,
          2,
        ),
      );
      return;
    }
    const where = lines ? `${relativePath}:${lines[0]}-${lines[1]}` : relativePath;
    const notes = [
      ...(result.unreachable > 0
        ? [`${result.unreachable} reference(s) point at commits this clone does not have (git fetch to follow them).`]
        : []),
    ];
    ctx.io.out(
      [
        result.mentions.length === 0
          ? `No past incident touched ${where} in the last ${lookbackDays} days.`
          : result.mentions.map(describe).join('\n\n'),
        ...notes,
      ].join('\n\n'),
    );
  },
};
