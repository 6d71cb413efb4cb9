// Prints, as JSON, what each bundle is made of: esbuild's metafile for the targets of scripts/build.mjs, bytes in
// the output by package (node_modules/<package>) or by our top-level folder.
import { build } from 'esbuild';
import { targets } from '../scripts/build.mjs';

const composition = {};
for (const name of ['extension', 'action']) {
  const result = await build({ ...targets[name], metafile: true, write: false, logLevel: 'silent' });
  const [output] = Object.values(result.metafile.outputs);
  const parts = {};
  for (const [file, input] of Object.entries(output.inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = pkg ? pkg[1] : file.includes(':') ? file.split(':')[0] : `${file.split('/')[0]}/`;
    parts[key] = (parts[key] ?? 0) + input.bytesInOutput;
  }
  composition[name] = {
    bytes: output.bytes,
    parts: Object.fromEntries(Object.entries(parts).sort((a, b) => b[1] - a[1])),
  };
}
process.stdout.write(`${JSON.stringify(composition)}\n`);
