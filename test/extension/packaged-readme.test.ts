// The .vsix carries the extension's own README (extension/README.md), not the repository's: `npm run package` passes
// `--readme-path`, and vsce stores it as extension/readme.md with relative links rewritten to the GitHub repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const ROOT = join(__dirname, '..', '..');

/** One stored or deflated entry of a zip file, found through its central directory. */
function zipEntry(zip: Buffer, name: string): string | undefined {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      return (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    }
    at += 46 + skip;
  }
  return undefined;
}

describe('the packaged extension', function () {
  this.timeout(120_000);

  it("carries extension/README.md as its readme, with the image and links pointing at the repository's files", () => {
    const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
      .scripts['package'];
    const readmePath = /--readme-path (\S+)/.exec(script ?? '')?.[1];
    assert.equal(readmePath, 'extension/README.md', 'npm run package passes --readme-path extension/README.md');
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-vsix-'));
    try {
      const vsix = join(dir, 'firebreak.vsix');
      const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
      const args = ['package', '--no-dependencies', '--readme-path', readmePath, '--out', vsix];
      execFileSync(process.execPath, [vsce, ...args], { cwd: ROOT, stdio: 'pipe' });
      const packaged = zipEntry(readFileSync(vsix), 'extension/readme.md');
      const source = readFileSync(join(ROOT, readmePath), 'utf8');
      assert.ok(packaged, 'extension/readme.md is in the .vsix');
      assert.equal(packaged.split('\n')[0], source.split('\n')[0], "the extension's title");
      assert.doesNotMatch(packaged, /npm install && npm start/, "not the repository's README");
      assert.match(
        packaged,
        /\]\(https:\/\/github\.com\/firebreak\/firebreak\/raw\/HEAD\/docs\/images\/tree-and-status-bar\.png\)/,
      );
      for (const [, link] of packaged.matchAll(/\]\(([^)\s]+)\)/g))
        assert.match(link ?? '', /^(https:|#)/, `${link} is absolute in the .vsix`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
