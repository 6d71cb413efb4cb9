// Bundles the extension, the CLI and the Action with esbuild; templates ship inside the bundles as text.
// `--check` rebuilds the committed Action bundle in memory and fails when it differs (npm run check-dist).
import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

// handlebars' code generator loads `source-map` inside a try/catch and falls back to its own minimal SourceNode;
// Firebreak never asks for template source maps, so the bundles ship the fallback instead of 27 KB of source-map.
const withoutSourceMap = {
  name: 'without-source-map',
  setup(build) {
    build.onResolve({ filter: /^source-map$/ }, () => ({ path: 'source-map', namespace: 'without-source-map' }));
    build.onLoad({ filter: /.*/, namespace: 'without-source-map' }, () => ({
      contents: 'module.exports = {};',
      loader: 'js',
    }));
  },
};

// The names a zod module exports, so that its stub offers the same ones (as functions that fail when called).
async function exportedNames(file) {
  const source = readFileSync(new URL(`../node_modules/zod/v4/core/${file.split('/').pop()}`, import.meta.url), 'utf8');
  const names = [...source.matchAll(/^export (?:const|function|class) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
  return names.filter((name) => !['createStandardJSONSchemaMethod', 'createToJSONSchemaMethod'].includes(name));
}

// zod's classic schemas carry `toJSONSchema()` and the Standard Schema `jsonSchema` methods, which pull in its JSON
// Schema generator (17 KB in every bundle). The extension and the Action never turn a schema into JSON Schema (the
// language model tools' schemas are static JSON in package.json); should that change, the stub fails loudly instead
// of misbehaving. Only the CLI, whose MCP server publishes its tools' schemas, keeps the generator.
const withoutZodJsonSchema = {
  name: 'without-zod-json-schema',
  setup(build) {
    build.onResolve({ filter: /(^|\/)(to-json-schema|json-schema-processors)\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer)
        ? { path: args.path, namespace: 'without-zod-json-schema' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'without-zod-json-schema' }, async (args) => ({
      contents: [
        "const missing = () => { throw new Error('zod JSON Schema generation is not bundled with Firebreak (see scripts/build.mjs)'); };",
        'const method = () => missing;',
        ...(args.path.endsWith('to-json-schema.js')
          ? ['createStandardJSONSchemaMethod', 'createToJSONSchemaMethod'].map(
              (name) => `export const ${name} = method;`,
            )
          : []),
        ...(await exportedNames(args.path)).map((name) => `export const ${name} = missing;`),
      ].join('\n'),
      loader: 'js',
    }));
  },
};

// templates/built-in.ts reads the built-in templates from disk when run from source; a bundle carries them instead,
// as text (the .hbs loader below), so that the extension, the CLI and the Action need no templates/ folder.
const inlineTemplates = {
  name: 'inline-templates',
  setup(build) {
    build.onLoad({ filter: /[\\/]templates[\\/]built-in\.ts$/ }, (args) => {
      const root = args.path.replace(/built-in\.ts$/, '');
      const files = readdirSync(root, { recursive: true })
        .map((file) => String(file).replaceAll('\\', '/'))
        .filter((file) => file.endsWith('.hbs'))
        .sort();
      return {
        contents: [
          ...files.map((file, i) => `import t${i} from './${file}';`),
          `const texts = { ${files.map((file, i) => `${JSON.stringify(file)}: t${i}`).join(', ')} };`,
          'export function builtInTemplate(path) {',
          '  if (!(path in texts)) throw new Error(`No built-in template ${path}`);',
          '  return texts[path];',
          '}',
        ].join('\n'),
        loader: 'js',
        resolveDir: root,
      };
    });
  },
};

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
  plugins: [withoutSourceMap, withoutZodJsonSchema, inlineTemplates],
  // @actions/github's runner context without its package entry (which loads an Octokit and undici); tsconfig.json
  // maps the same name for the type checker and the tests.
  alias: {
    '@actions/github-context': './node_modules/@actions/github/lib/context.js',
    // yaml's ES module build (the same code as its CommonJS one) lets esbuild drop what the config parser does not
    // use, such as stringify: 15 KB less in each bundle. The tests that run a bundle (Action, e2e) cover it.
    yaml: './node_modules/yaml/browser/index.js',
  },
};

// @actions/core imports @actions/http-client only for OIDC tokens (getIDToken), and that pulls in undici (420 KB,
// almost half of the Action's bundle, compiled on every cold start), tunnel, http, https and tls. The Action never
// asks for an OIDC token; should that change, the stub fails loudly instead of silently misbehaving.
const withoutOidcHttpClient = {
  name: 'without-oidc-http-client',
  setup(build) {
    build.onResolve({ filter: /^@actions\/http-client(\/lib\/auth)?$/ }, (args) =>
      /[\\/]@actions[\\/]core[\\/]lib[\\/]oidc-utils\.js$/.test(args.importer)
        ? { path: args.path, namespace: 'without-oidc-http-client' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'without-oidc-http-client' }, () => ({
      contents: [
        "const missing = () => { throw new Error('@actions/http-client is not bundled with the Firebreak Action (see scripts/build.mjs)'); };",
        'exports.HttpClient = class HttpClient { constructor() { missing(); } };',
        'exports.BearerCredentialHandler = class BearerCredentialHandler { constructor() { missing(); } };',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

export const targets = {
  // octokit probes `navigator` for its user agent; in the extension host that access logs a deprecation error.
  // No keepNames: nothing reads function or class names (errors set `name` explicitly), and it costs 27 KB here.
  extension: {
    ...common,
    entryPoints: ['extension/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    minify: true,
    define: { navigator: 'undefined' },
  },
  // The CLI keeps zod's JSON Schema generator: the MCP server (`firebreak mcp`, `serve`'s /mcp) describes its tools'
  // input and output schemas with it.
  cli: {
    ...common,
    entryPoints: ['cli/bin.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [withoutSourceMap, inlineTemplates],
  },
  // No keepNames either: messages never show function or class names, and the Action starts cold on every run.
  action: {
    ...common,
    entryPoints: ['action/index.ts'],
    outfile: 'action/dist/index.js',
    minify: true,
    plugins: [...common.plugins, withoutOidcHttpClient],
  },
};

async function main() {
  const { values } = parseArgs({ options: { check: { type: 'boolean' }, only: { type: 'string' } } });
  if (values.check) {
    const result = await build({ ...targets.action, write: false });
    const fresh = result.outputFiles[0].text;
    const committed = readFileSync(targets.action.outfile, 'utf8');
    if (fresh !== committed) {
      console.error(
        'action/dist/index.js is out of date with the sources. Run `npm run build` and commit action/dist/index.js.',
      );
      process.exit(1);
    }
    console.log('action/dist/index.js is current.');
    return;
  }
  const names = values.only ? values.only.split(',') : Object.keys(targets);
  for (const name of names) {
    if (!targets[name]) throw new Error(`unknown build target ${name}`);
    await build(targets[name]);
  }
}

// The benchmark imports `targets` (for esbuild's metafile); only running this file builds.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
