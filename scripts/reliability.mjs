// `npm run test:reliability`: the full reliability campaign (test/reliability, FIREBREAK_RELIABILITY=full), which
// ends by printing the table of figures. Extra arguments go to mocha (e.g. `--grep follow-ups`); FIREBREAK_SEED
// replays another seed. The short version of the same suite runs inside `npm test`.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const child = spawn(process.execPath, [mocha, '--config', 'test/reliability/mocharc.json', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FIREBREAK_RELIABILITY: 'full' },
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
