// Golden-file assertions: rendered Markdown is compared with a checked-in file; UPDATE_GOLDEN=1 rewrites them.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const GOLDEN_DIR = join(__dirname, '..', 'fixtures', 'golden');

export function assertGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    if (process.env['CI'] === 'true' && process.env['UPDATE_GOLDEN'] !== '1')
      assert.fail(`golden file ${name} was missing; it has been written — commit it`);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `rendered output differs from ${name} (UPDATE_GOLDEN=1 to accept)`);
}
