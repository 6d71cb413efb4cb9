// The built-in templates' text, by path under templates/. The bundles inline every file (scripts/build.mjs replaces
// this module); run from source (tsx, mocha, GitHub's local-action) the files are read from beside it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function builtInTemplate(path: string): string {
  return readFileSync(join(__dirname, path), 'utf8');
}
