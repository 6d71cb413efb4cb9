// Bundles the extension, the CLI and the Action with esbuild; templates ship inside the bundles as text.
// `--check` rebuilds the committed Action bundle in memory and fails when it differs (npm run check-dist).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { check: { type: 'boolean' }, only: { type: 'string' } } });

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
  // octokit probes `navigator` for its user agent; in the extension host that access logs a deprecation error.
  extension: { ...common, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], minify: true, keepNames: true, define: { navigator: 'undefined' } },
  cli: { ...common, entryPoints: ['cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  action: { ...common, entryPoints: ['action/main.ts'], outfile: 'action/dist/index.js', minify: true, keepNames: true },
};

if (values.check) {
  const result = await build({ ...targets.action, write: false });
  const fresh = result.outputFiles[0].text;
  const committed = readFileSync(targets.action.outfile, 'utf8');
  if (fresh !== committed) {
    console.error('action/dist/index.js is out of date with the sources. Run `npm run build` and commit action/dist/index.js.');
    process.exit(1);
  }
  console.log('action/dist/index.js is current.');
} else {
  const names = values.only ? values.only.split(',') : Object.keys(targets);
  for (const name of names) {
    if (!targets[name]) throw new Error(`unknown build target ${name}`);
    await build(targets[name]);
  }
}
