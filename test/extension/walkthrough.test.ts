// The first-run walkthrough and the keybindings, as the packaged extension carries them: package.json contributes
// them, and `vsce ls` (what `npm run package` puts in the .vsix, after .vscodeignore) lists every media file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../../extension/ids';

const ROOT = join(__dirname, '..', '..');

interface Step {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly media: { readonly markdown?: string; readonly image?: string };
  readonly completionEvents?: readonly string[];
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  contributes: {
    walkthroughs?: readonly { id: string; title: string; steps: readonly Step[] }[];
    keybindings?: readonly { command: string; key: string; mac?: string; when?: string }[];
  };
};

describe('walkthrough and keybindings', function () {
  this.timeout(60_000);
  const [walkthrough] = manifest.contributes.walkthroughs ?? [];
  const steps = walkthrough?.steps ?? [];

  it('walks through sign in, choosing the incident repository, a drill and declaring, in that order', () => {
    assert.deepEqual(
      steps.map((s) => s.id),
      ['signIn', 'chooseRepository', 'runDrill', 'declare'],
    );
    const links = steps.map((s) => /\(command:([\w.]+)/.exec(s.description)?.[1]);
    assert.deepEqual(links, [
      COMMANDS.signIn,
      'workbench.action.openSettings',
      COMMANDS.startDrill,
      COMMANDS.declareIncident,
    ]);
    for (const step of steps) assert.ok(step.completionEvents?.length, `${step.id} completes on an event`);
  });

  it('every step has its media in media/, and the packaged extension contains it', () => {
    const packaged = execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    )
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    for (const step of steps) {
      const media = step.media.markdown ?? step.media.image ?? '';
      assert.match(media, /^media\//, `${step.id}: media lives in media/`);
      assert.ok(existsSync(join(ROOT, media)), `${media} exists`);
      assert.ok(packaged.includes(media), `${media} is in the .vsix (vsce ls: ${packaged.join(', ')})`);
    }
  });

  it('Log Entry and Post Update have chords that VS Code does not use by default (Ctrl/Cmd+K, then Alt+key)', () => {
    const bindings = manifest.contributes.keybindings ?? [];
    const of = (command: string) => bindings.find((b) => b.command === command);
    assert.deepEqual([of(COMMANDS.logEntry)?.key, of(COMMANDS.logEntry)?.mac], ['ctrl+k alt+l', 'cmd+k alt+l']);
    assert.deepEqual([of(COMMANDS.postUpdate)?.key, of(COMMANDS.postUpdate)?.mac], ['ctrl+k alt+u', 'cmd+k alt+u']);
    // No Ctrl+Alt chords: on Windows they are AltGr and type characters on many keyboard layouts.
    for (const b of bindings) assert.doesNotMatch(b.key, /ctrl\+alt/);
  });
});
