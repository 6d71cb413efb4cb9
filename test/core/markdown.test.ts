import assert from 'node:assert/strict';
import { closeOpenBlocks, teamMentions, truncateWithNote, userMarkdown } from '../../core/domain/markdown';
import { FollowUps } from '../../core/use-cases/follow-ups';
import { useSandbox } from '../sandbox/support';
import { REPO, world } from './world';
import { DeclareIncident } from '../../core/use-cases/declare-incident';
import { PostUpdate } from '../../core/use-cases/post-update';
import { RepairIncident } from '../../core/use-cases/repair-incident';
import { ResolveIncident } from '../../core/use-cases/resolve-incident';
import { Retro } from '../../core/use-cases/retro';

describe('user Markdown', () => {
  it('defuses team mentions GitHub would notify: in emphasis, as entities, escaped, after an unclosed backtick', () => {
    for (const text of [
      '_@acme/sre-team_',
      '*@acme/sre-team*',
      '&#64;acme/sre-team',
      '&#x40;acme/sre-team',
      '&#0064;acme/sre-team',
      '&commat;acme/sre-team',
      '@acme&#47;sre-team',
      '@acme&sol;sre-team',
      '\\@acme/sre-team',
      '@acme\\/sre-team',
      '`@acme/sre-team',
      'ping @acme/a-@acme/b',
    ]) {
      const safe = userMarkdown(text);
      assert.deepEqual(teamMentions(safe), [], `${text} -> ${safe}`);
      assert.ok(safe.includes('@\u200B'), `${text} is defused: ${safe}`);
    }
  });

  it('leaves code spans and fenced code alone, and keeps personal mentions and email-like text', () => {
    for (const text of [
      'run `@acme/sre-team` in the shell',
      'run ``a ` @acme/sre-team`` twice',
      '```\n@acme/sre-team &#64;acme/x\n```',
      'ask @octocat',
      'mail ops@acme/sre',
    ]) {
      assert.equal(userMarkdown(text), text);
    }
    assert.equal(userMarkdown('`x` _@acme/t_'), '`x` _@\u200Bacme/t_');
  });

  it('never turns entities into an HTML comment or other markup', () => {
    assert.equal(userMarkdown('<!&#45;&#45; hidden &#45;&#45;>'), '&lt;!-- hidden --&gt;');
    assert.equal(userMarkdown('&lt;b&gt; &#60;i&#62;'), '&lt;b&gt; &#60;i&#62;');
  });

  it('closes what a text leaves open: a code fence, <details>, <pre> and other HTML blocks', () => {
    assert.equal(closeOpenBlocks('see\n```js\nx()'), 'see\n```js\nx()\n```');
    assert.equal(
      closeOpenBlocks('<details><summary>logs</summary>\n\nlots'),
      '<details><summary>logs</summary>\n\nlots\n</details>\n',
    );
    assert.equal(closeOpenBlocks('<pre>\nraw'), '<pre>\nraw\n</pre>\n');
    assert.equal(closeOpenBlocks('<details>a</details> fine'), '<details>a</details> fine');
    assert.equal(closeOpenBlocks('`<details>` in code'), '`<details>` in code');
  });

  it('cuts text once: cutting a cut text gives what cutting the original gives', () => {
    const text = 'x'.repeat(84_000);
    assert.equal(truncateWithNote(truncateWithNote(text, 20_000), 2_000), truncateWithNote(text, 2_000));
    assert.equal(truncateWithNote(truncateWithNote(text, 2_000), 2_000), truncateWithNote(text, 2_000));
    assert.match(truncateWithNote(text, 2_000), /truncated: 82000 more characters/);
  });
});

describe('rendered bodies against the sandbox', () => {
  const sandbox = useSandbox();

  it('a description that leaves a fence or <details> open does not swallow the rest of the body', async () => {
    const service = world(sandbox()).service();
    const incident = await new DeclareIncident(service).run({
      title: 'Unclosed',
      description: 'Logs:\n<details><summary>trace</summary>\n\n```\nstack',
    });
    const body = sandbox().store.issue(REPO, incident.number)?.body ?? '';
    const after = body.slice(body.lastIndexOf('stack'));
    assert.match(after, /^stack\n```\n<\/details>\n/, after.slice(0, 200));
  });

  it('repair finds nothing to rewrite right after an 84 KB update (one cut rule for change and repair)', async () => {
    const service = world(sandbox()).service();
    const incident = await new DeclareIncident(service).run({ title: 'Long update' });
    await new PostUpdate(service).run(incident.number, { text: `${'Everything we know so far. '.repeat(3_200)}END` });
    const { changed } = await new RepairIncident(service).run(incident.number);
    assert.deepEqual(changed, []);
  });

  it('follow-up titles are plain text: no &lt;!-- shown literally', async () => {
    const w = world(sandbox());
    const service = w.service();
    const incident = await new DeclareIncident(service).run({ title: 'Titles', severity: 'major' });
    await new ResolveIncident(service).run(incident);
    await new Retro(service).post(
      incident.number,
      '## Action items\n- [ ] Strip <!-- comments --> from logs @octo-lead\n',
    );
    const result = await new FollowUps(w).run(incident.number);
    const title = sandbox().store.issue(REPO, result.created[0]?.number ?? 0)?.title;
    assert.equal(title, 'Strip <!-- comments --> from logs');
  });
});
