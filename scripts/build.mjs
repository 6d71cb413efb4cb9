// Bundles the CLI with esbuild; templates ship inside the bundle as text.
import { build } from 'esbuild';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { only: { type: 'string' } } });

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  loader: { '.hbs': 'text' },
  logLevel: 'warning',
  legalComments: 'none',
  // handlebars' CommonJS entry touches require.extensions for .hbs files; we never use that path.
  logOverride: { 'unsupported-require-call': 'silent' },
};

export const targets = {

  cli: { ...common, entryPoints: ['cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },

};

{
  const names = values.only ? values.only.split(',') : Object.keys(targets);
  for (const name of names) {
    if (!targets[name]) throw new Error(`unknown build target ${name}`);
    await build(targets[name]);
  }
}
