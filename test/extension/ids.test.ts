// Ties the extension's typed names (extension/ids.ts) to what package.json contributes: commands, menus,
// keybindings, welcome links and `when` clauses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, CONTEXT_KEYS, INTERNAL_COMMANDS, VIEW_ID, VIEW_ITEMS } from '../../extension/ids';
import { whenKeys } from './support/when-clause';

interface Contributed {
  readonly command: string;
  readonly title?: string;
  readonly category?: string;
  readonly when?: string;
}
interface Contributes {
  readonly commands: readonly Contributed[];
  readonly menus: Readonly<Record<string, readonly Contributed[]>>;
  readonly keybindings?: readonly Contributed[];
  readonly views: Readonly<Record<string, readonly { id: string; when?: string }[]>>;
  readonly viewsWelcome: readonly { view: string; contents: string; when?: string }[];
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: Contributes;
};
const contributes = manifest.contributes;

/** Context keys VS Code itself sets, which `when` clauses may name. */
const BUILT_IN_KEYS = new Set([
  'view',
  'viewItem',
  'editorHasSelection',
  'editorLangId',
  'editorFocus',
  'editorTextFocus',
  'resourceScheme',
  'resourceLangId',
  'resourceFilename',
  'isWorkspaceTrusted',
  'workspaceFolderCount',
]);

const registered: readonly string[] = Object.values(COMMANDS);
const contributedIds = contributes.commands.map((c) => c.command);
const menuItems = Object.entries(contributes.menus).flatMap(([menu, items]) => items.map((item) => ({ menu, item })));
const whenClauses: { where: string; when: string }[] = [
  ...menuItems.flatMap(({ menu, item }) => (item.when ? [{ where: `${menu} ${item.command}`, when: item.when }] : [])),
  ...(contributes.keybindings ?? []).flatMap((k) =>
    k.when ? [{ where: `keybinding ${k.command}`, when: k.when }] : [],
  ),
  ...contributes.viewsWelcome.flatMap((w) => (w.when ? [{ where: `welcome of ${w.view}`, when: w.when }] : [])),
  ...Object.values(contributes.views)
    .flat()
    .flatMap((v) => (v.when ? [{ where: `view ${v.id}`, when: v.when }] : [])),
];

describe('extension ids and package.json', () => {
  it('every contributed command is registered and has a title and the Firebreak category', () => {
    for (const command of contributes.commands) {
      assert.ok(registered.includes(command.command), `${command.command} is contributed but has no handler`);
      assert.ok(command.title?.trim(), `${command.command} has no title`);
      assert.equal(command.category, 'Firebreak', `${command.command} has no Firebreak category`);
    }
    assert.equal(new Set(contributedIds).size, contributedIds.length, 'a command is contributed twice');
  });

  it('every registered command is contributed, or listed as internal (and then not contributed)', () => {
    for (const id of registered) {
      const internal = INTERNAL_COMMANDS.includes(id as (typeof INTERNAL_COMMANDS)[number]);
      assert.ok(
        contributedIds.includes(id) !== internal,
        internal ? `${id} is listed as internal but contributed` : `${id} is registered but not contributed`,
      );
    }
    assert.equal(new Set(registered).size, registered.length, 'two constants name the same command');
  });

  it('every command in menus, keybindings and welcome links exists', () => {
    for (const { menu, item } of menuItems)
      assert.ok(contributedIds.includes(item.command), `menu ${menu} names ${item.command}, which is not contributed`);
    for (const k of contributes.keybindings ?? [])
      assert.ok(contributedIds.includes(k.command), `a keybinding names ${k.command}, which is not contributed`);
    for (const welcome of contributes.viewsWelcome)
      for (const [, id] of welcome.contents.matchAll(/\(command:([\w.]+)/g))
        assert.ok(id && contributedIds.includes(id), `welcome content links ${id}, which is not contributed`);
  });

  it('every when clause names only context keys the extension sets or VS Code built-ins', () => {
    const ours: readonly string[] = Object.values(CONTEXT_KEYS);
    assert.ok(whenClauses.length > 20, 'the when clauses were read');
    for (const { where, when } of whenClauses) {
      for (const { key } of whenKeys(when))
        assert.ok(
          ours.includes(key) || BUILT_IN_KEYS.has(key),
          `${where}: "${when}" names ${key}, which neither the extension (extension/ids.ts) nor VS Code sets`,
        );
    }
  });

  it('views and tree items named in when clauses are the ones the extension has', () => {
    const views = Object.values(contributes.views)
      .flat()
      .map((v) => v.id);
    assert.deepEqual(views, [VIEW_ID]);
    for (const welcome of contributes.viewsWelcome) assert.equal(welcome.view, VIEW_ID);
    const items: readonly string[] = Object.values(VIEW_ITEMS);
    for (const { where, when } of whenClauses) {
      for (const { key, operator, value } of whenKeys(when)) {
        if (key === 'view') assert.equal(value, VIEW_ID, `${where}: "${when}" names another view`);
        if (key !== 'viewItem') continue;
        if (operator === '=~') {
          const pattern = new RegExp(value.slice(1, value.lastIndexOf('/')), value.slice(value.lastIndexOf('/') + 1));
          assert.ok(
            items.some((item) => pattern.test(item)),
            `${where}: ${value} matches no tree item (VIEW_ITEMS)`,
          );
        } else assert.ok(items.includes(value), `${where}: viewItem ${value} is no tree item (VIEW_ITEMS)`);
      }
    }
  });

  it('the when-clause reader finds keys, operators and values', () => {
    assert.deepEqual(whenKeys('view == firebreak.incidents && viewItem =~ /^incident/ || !firebreak.signedIn'), [
      { key: 'view', operator: '==', value: 'firebreak.incidents' },
      { key: 'viewItem', operator: '=~', value: '/^incident/' },
      { key: 'firebreak.signedIn', operator: '', value: '' },
    ]);
    assert.deepEqual(whenKeys("resourceScheme != 'untitled' && (a.b || false) && x in y"), [
      { key: 'resourceScheme', operator: '!=', value: 'untitled' },
      { key: 'a.b', operator: '', value: '' },
      { key: 'x', operator: 'in', value: 'y' },
    ]);
  });
});
