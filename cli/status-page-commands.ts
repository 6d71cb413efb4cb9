// `firebreak status-page|maintenance`: build the public status page into a directory, and schedule maintenance.
import { resolve } from 'node:path';
import { InputError } from '../core/domain/errors';
import { publishStatusPage } from '../core/status-site';
import { scheduleMaintenance } from '../core/use-cases/status-page';
import { stringOption, type Command } from './command';

export const statusPageCommand: Command = {
  name: 'status-page',
  summary: 'Build the public status page (HTML, Atom feed, Statuspage-compatible JSON) into a directory',
  usage: 'firebreak status-page --out DIR [--title T] [--base-url URL]',
  options: { out: { type: 'string', short: 'o' }, title: { type: 'string' }, 'base-url': { type: 'string' } },
  async run(values, _positionals, ctx) {
    const out = stringOption(values, 'out');
    if (!out?.trim()) throw new InputError('Missing --out DIR.', `Usage: ${this.usage}`);
    const baseUrl = stringOption(values, 'base-url')?.trim();
    if (baseUrl && !/^https?:\/\/\S+$/.test(baseUrl))
      throw new InputError(`--base-url must be an http(s) URL, not "${baseUrl}".`, `Usage: ${this.usage}`);
    const title = stringOption(values, 'title')?.trim();
    const context = ctx.context();
    const result = await publishStatusPage(context.connection, {
      root: context.root,
      outDir: resolve(ctx.cwd, out),
      ...(title ? { title } : {}),
      ...(baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, '') } : {}),
    });
    result.warnings.forEach((w) => ctx.log.warn(w));
    if (ctx.json)
      ctx.io.out(
        JSON.stringify({
          status: result.model.status,
          outDir: result.outDir,
          files: result.files.map((f) => f.path),
        }),
      );
    else
      ctx.io.out(
        `${result.model.status.description} (${result.indicator}): ${result.files.length} files in ${result.outDir}`,
      );
  },
};

export const maintenanceCommand: Command = {
  name: 'maintenance',
  summary: 'Schedule maintenance for the status page (an issue labelled maintenance; close it to end or cancel)',
  usage:
    'firebreak maintenance --title T --start "2026-12-01 02:00" --end "2026-12-01 03:00" [--service NAME]... [--description D]',
  options: {
    title: { type: 'string', short: 't' },
    start: { type: 'string' },
    end: { type: 'string' },
    service: { type: 'string', multiple: true },
    description: { type: 'string', short: 'd' },
  },
  async run(values, _positionals, ctx) {
    const title = stringOption(values, 'title');
    const start = stringOption(values, 'start');
    const end = stringOption(values, 'end');
    if (!title || !start || !end) throw new InputError('Missing --title, --start or --end.', `Usage: ${this.usage}`);
    const context = ctx.context();
    // A token is needed to write: service() says how to get one.
    await context.service();
    const description = stringOption(values, 'description');
    const issue = await scheduleMaintenance(
      { gateway: context.gateway, config: context.config },
      {
        title,
        start,
        end,
        services: (values['service'] as string[] | undefined) ?? [],
        ...(description ? { description } : {}),
      },
    );
    if (ctx.json) ctx.io.out(JSON.stringify({ number: issue.number, url: issue.url }));
    else ctx.io.out(`Scheduled maintenance #${issue.number}: ${issue.url}`);
  },
};

export const statusPageCommands: readonly Command[] = [statusPageCommand, maintenanceCommand];
