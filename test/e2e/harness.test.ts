/**
 * Proves the e2e harness: a real VS Code (code-server) in a real browser, driven like a person, with a tiny
 * fixture extension (test/e2e/fixtures/hello-extension).
 * Run: bash scripts/e2e-setup.sh && npx mocha --config .mocharc.e2e.json
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageExtension, startSession, tempDirRemovedAtExit, type Session } from './support/session';
import { captureOnFailure } from './support/workbench';
import { waitFor } from './support/tools';

const FIXTURE = join(__dirname, 'fixtures', 'hello-extension');

describe('e2e harness (code-server + chromium)', function () {
  let s: Session;
  let outFile: string;

  const record = (): Record<string, unknown> =>
    existsSync(outFile) ? (JSON.parse(readFileSync(outFile, 'utf8')) as Record<string, unknown>) : {};

  before(async function () {
    outFile = join(tempDirRemovedAtExit('fbe2e-out-'), 'answers.json');
    const vsix = packageExtension(FIXTURE);
    s = await startSession({
      vsix,
      files: {
        'README.md': '# shop\n',
        'src/app.ts': [
          '// line 1',
          'export const a = 1;',
          'export const b = 2;',
          'export const c = 3;',
          '// line 5',
          '',
        ].join('\n'),
      },
      gitRemote: 'https://github.com/acme/shop.git',
      // What the extension needs from the test goes in as user settings or as environment of the extension host.
      settings: { 'helloFirebreak.outputFile': outFile },
      env: { HELLO_FIREBREAK_PROBE: 'probe-from-env' },
    });
  });

  afterEach(async function () {
    await captureOnFailure(this, { workbench: s?.wb, server: s?.server });
  });

  after(async function () {
    const pid = s?.server.pid;
    await s?.dispose();
    if (pid !== undefined) {
      assert.throws(() => process.kill(-pid, 0), /ESRCH/, 'code-server left processes behind');
    }
  });

  it('runs a command from F1, answers its InputBox, and sees status bar, tree and notification', async function () {
    const { wb } = s;
    await wb.statusBarText('Hello Firebreak: ready', { timeoutMs: 60_000 }); // the extension is active

    await wb.runCommand('Hello Firebreak: Say Hello');
    await wb.typeIntoInput('World', { prompt: /Who should we say hello to/ });

    const written = await waitFor('the answer on disk', () => (record().answer === 'World' ? record() : undefined));
    assert.equal(written.envProbe, 'probe-from-env');

    assert.equal((await wb.waitForNotification(/Said hello to World/)).severity, 'info');
    assert.match(await wb.statusBarText(/Hello Firebreak: World/), /Hello Firebreak: World/);

    await wb.openView('Hello Incidents');
    await wb.waitForTreeItem('Hello Incidents', 'Said hello to World');
    assert.deepEqual(await wb.treeItems('Hello Incidents'), ['INC-1 Database on fire', 'Said hello to World']);

    await wb.screenshot(join('test-results', 'e2e-harness', 'say-hello.png'));
    await wb.clickNotificationButton('Celebrate', { message: /Said hello to World/ });
    await waitFor('the button choice on disk', () => record().choice === 'Celebrate');
  });

  it('keeps an InputBox open with its validation message on bad input', async function () {
    const { wb } = s;
    await wb.runCommand('Hello Firebreak: Say Hello');
    await assert.rejects(wb.typeIntoInput('   ', { prompt: /Who should we say hello to/ }), /A name is needed/);
    await wb.closeQuickInput();
  });

  it('opens a file, selects lines and picks from a QuickPick', async function () {
    const { wb } = s;
    await wb.openFile('src/app.ts');
    assert.match(await wb.visibleEditorText(), /^\/\/ line 1\nexport const a = 1;\n/);
    await wb.selectLines(2, 4);
    await wb.runCommand('Hello Firebreak: Pick Colour');
    await wb.pickItem('Green', { prompt: /Pick a colour/ });
    const written = await waitFor('the colour on disk', () => (record().colour === 'Green' ? record() : undefined));
    assert.equal(written.file, 'src/app.ts');
    assert.equal(written.selectedText, 'export const a = 1;\nexport const b = 2;\nexport const c = 3;');
    await wb.screenshot(join('test-results', 'e2e-harness', 'pick-colour.png'));
  });

  it('answers a modal dialog', async function () {
    const { wb } = s;
    await wb.runCommand('Hello Firebreak: Reset');
    assert.deepEqual(await wb.waitForDialog(/Reset everything\?/), {
      message: 'Reset everything?',
      detail: 'The incident list goes back to its first entry.',
    });
    await wb.clickDialogButton('Reset');
    await waitFor('the reset on disk', () => record().reset === 'Reset');
  });

  it('clicks a notification button from the Notification Center once the toast is gone', async function () {
    const { wb } = s;
    await wb.runCommand('Hello Firebreak: Say Hello');
    await wb.typeIntoInput('Again', { prompt: /Who should we say hello to/ });
    await wb.waitForNotification('Said hello to Again');
    // Opening the Notification Center hides the toasts, as a toast that timed out (10 s for info) would be.
    await wb.runCommand('Notifications: Show Notifications');
    await wb.clickNotificationButton('Dismiss', { message: /Said hello to Again/ });
    await waitFor('the second choice on disk', () => record().answer === 'Again' && record().choice === 'Dismiss');
  });
});
