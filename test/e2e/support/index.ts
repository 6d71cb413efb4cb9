/**
 * End-to-end test support: a real VS Code (code-server 4.139.1 = VS Code 1.139.1) driven in Debian's chromium.
 *
 * Setup once per machine (cached in ~/.cache/firebreak-e2e): `bash scripts/e2e-setup.sh`
 * Run: `npx mocha --config .mocharc.e2e.json`
 *
 *   import { packageExtension, startSession, captureOnFailure, type Session } from './support';
 *
 *   describe('declare an incident', function () {
 *     let s: Session;
 *     before(async function () {
 *       s = await startSession({
 *         vsix: packageExtension('.'),                    // or a prebuilt dist/firebreak.vsix
 *         files: { 'README.md': '# shop\n' },
 *         gitRemote: 'https://github.com/acme/shop.git',
 *         settings: { 'firebreak.someSetting': 'value' }, // → user-data/User/settings.json
 *         env: { SOME_VAR: 'value' },                    // → process.env of the extension host
 *       });
 *     });
 *     afterEach(async function () { await captureOnFailure(this, { workbench: s?.wb, server: s?.server }); });
 *     after(async function () { await s?.dispose(); });
 *
 *     it('works like a person would do it', async function () {
 *       await s.wb.runCommand('Firebreak: Declare Incident');
 *       await s.wb.typeIntoInput('Checkout is down', { prompt: /title/i });
 *       await s.wb.pickItem('SEV1');
 *       await s.wb.waitForNotification(/declared/);
 *     });
 *   });
 */
export * from './code-server';
export * from './session';
export * from './tools';
export * from './workbench';
