import assert from 'node:assert/strict';
import { sharedCatalog, toJsonSchema, type OpenApiCatalog } from '../../sandbox/openapi';
import { Payloads } from '../../sandbox/payloads';
import { sandboxRoutes, sandboxTemplates } from '../../sandbox/routes/index';
import { SandboxStore } from '../../sandbox/store';
import { takeOpenApiViolations } from '../support/openapi-violations';
import { call, REPO, useSandbox, type Json } from './support';

describe('sandbox: OpenAPI checking', () => {
  describe('schema conversion', () => {
    it('turns nullable: true into a null type, also inside enums and composed schemas', () => {
      assert.deepEqual(toJsonSchema({ type: 'string', nullable: true, description: 'dropped', example: 'x' }), {
        type: ['string', 'null'],
      });
      assert.deepEqual(toJsonSchema({ type: 'string', enum: ['a', 'b'], nullable: true }), {
        type: ['string', 'null'],
        enum: ['a', 'b', null],
      });
      assert.deepEqual(toJsonSchema({ oneOf: [{ type: 'string' }, { type: 'integer' }], nullable: true }), {
        anyOf: [{ anyOf: [{ type: 'string' }, { type: 'integer' }] }, { type: 'null' }],
      });
      assert.deepEqual(
        toJsonSchema({
          type: 'object',
          nullable: true,
          required: ['login'],
          properties: { login: { type: 'string' } },
          'x-github': {},
        }),
        { type: ['object', 'null'], required: ['login'], properties: { login: { type: 'string' } } },
      );
    });

    it('converts OpenAPI 3.0 boolean exclusiveMinimum to the JSON Schema number form', () => {
      assert.deepEqual(toJsonSchema({ type: 'integer', minimum: 0, exclusiveMinimum: true }), {
        type: 'integer',
        exclusiveMinimum: 0,
      });
    });
  });

  describe("catalog of GitHub's description", () => {
    let catalog: OpenApiCatalog;
    before(async function () {
      this.timeout(30_000);
      catalog = await sharedCatalog(sandboxTemplates);
    });

    it('knows every route the sandbox serves, with the same method and template', () => {
      for (const route of sandboxRoutes) {
        const path = route.template.replace(/\{[^}]+\}/g, (param) => (param === '{issue_number}' ? '1' : 'x'));
        const found = catalog.find(route.method, path);
        assert.ok(
          found !== undefined && found !== 'wrong-method',
          `${route.method} ${route.template} is not in GitHub's description`,
        );
        assert.equal(found.template, route.template);
        assert.ok(found.operation, `${route.template} keeps its schemas`);
      }
    });

    it('reports a malformed response: missing required fields and wrong types, with method, path and operation', () => {
      const store = new SandboxStore();
      const issue = store.createIssueDirect('o/r', { title: 'x' });
      const payload = new Payloads(store, { api: 'http://127.0.0.1:1', web: 'http://127.0.0.1:1' }).issue(
        store.ensureRepo('o/r'),
        issue,
      );
      assert.deepEqual(
        catalog.checkResponse({ method: 'GET', path: '/repos/o/r/issues/1' }, { status: 200, body: payload }),
        [],
      );
      const broken: Record<string, unknown> = { ...payload, state: 42 };
      delete broken.number;
      const violations = catalog.checkResponse(
        { method: 'GET', path: '/repos/o/r/issues/1' },
        { status: 200, body: broken },
      );
      assert.ok(violations.length > 0);
      for (const violation of violations)
        assert.match(violation, /^GET \/repos\/o\/r\/issues\/1 \[issues\/get\] response 200: /);
      const text = violations.join('\n');
      assert.match(text, /must have required property 'number'/);
      assert.match(text, /\/state must be string/);
    });

    it('reports a malformed request body and accepts a well-formed one', () => {
      const bad = catalog.checkRequest({
        method: 'POST',
        path: '/repos/o/r/issues',
        query: new URLSearchParams(),
        body: { title: 'x', labels: 'incident' },
      });
      assert.equal(bad.length, 1);
      assert.match(bad[0] ?? '', /request body: \/labels must be array/);
      const good = catalog.checkRequest({
        method: 'POST',
        path: '/repos/o/r/issues',
        query: new URLSearchParams(),
        body: { title: 'x', labels: ['incident'] },
      });
      assert.deepEqual(good, []);
    });

    it('checks each item of a list response', () => {
      const violations = catalog.checkResponse(
        { method: 'GET', path: '/repos/o/r/labels' },
        { status: 200, body: [{ name: 'x' }] },
      );
      assert.ok(
        violations.some((v) => v.includes("/0 must have required property 'color'")),
        violations.join('\n'),
      );
    });

    it('reports success statuses the description does not list, but not generic errors', () => {
      assert.equal(
        catalog.checkResponse({ method: 'GET', path: '/repos/o/r/issues/1' }, { status: 201, body: {} }).length,
        1,
      );
      assert.deepEqual(
        catalog.checkResponse({ method: 'GET', path: '/repos/o/r/issues/1' }, { status: 502, body: { message: 'x' } }),
        [],
      );
    });
  });

  describe('on live traffic', () => {
    const sandbox = useSandbox();

    it('records a query parameter GitHub does not know or a value outside its enum', async () => {
      sandbox().store.ensureRepo(REPO);
      await call(sandbox(), 'GET', `/repos/${REPO}/issues?label=incident`);
      const wrongEnum = await call<Json>(sandbox(), 'GET', `/repos/${REPO}/issues?state=opened`);
      assert.equal(wrongEnum.status, 422);
      const violations = takeOpenApiViolations(sandbox());
      assert.equal(violations.length, 2, violations.join('\n'));
      assert.match(violations[0] ?? '', /unknown query parameter 'label'/);
      assert.match(violations[1] ?? '', /query parameter state: must be equal to one of the allowed values/);
    });

    it('records a bare array sent where GitHub documents {labels: [...]}', async () => {
      sandbox().store.createIssueDirect(REPO, { title: 'x' });
      const response = await call(sandbox(), 'POST', `/repos/${REPO}/issues/1/labels`, { body: ['incident'] });
      assert.equal(response.status, 200, 'the sandbox is lenient like GitHub, the check is strict');
      const violations = takeOpenApiViolations(sandbox());
      assert.equal(violations.length, 1);
      assert.match(violations[0] ?? '', /\[issues\/add-labels\]: request body: /);
    });

    it('records calls to GitHub routes the sandbox does not implement', async () => {
      const response = await call(sandbox(), 'GET', `/repos/${REPO}/releases`);
      assert.equal(response.status, 404);
      assert.deepEqual(takeOpenApiViolations(sandbox()), [
        `GET /repos/${REPO}/releases: GitHub has this route (/repos/{owner}/{repo}/releases) but the sandbox does not implement it; answered 404`,
      ]);
    });

    it('normal traffic over every route produces no violation', async () => {
      const s = sandbox();
      const base = `/repos/${REPO}`;
      const parent = await call<Json>(s, 'POST', `${base}/issues`, {
        body: { title: 'p', body: 'b', labels: ['incident'], assignees: ['octo-lead'] },
      });
      const child = await call<Json>(s, 'POST', `${base}/issues`, { body: { title: 'c' } });
      s.store.createIssueDirect(REPO, { title: 'a pull request', pullRequest: true });
      await call(s, 'POST', `${base}/issues/1/sub_issues`, { body: { sub_issue_id: child.body.id } });
      await call(s, 'GET', `${base}/issues/1/sub_issues`);
      await call(s, 'GET', `${base}/issues/2/parent`);
      await call(s, 'PATCH', `${base}/issues/1`, {
        body: { state: 'closed', state_reason: 'completed', labels: ['x'], assignees: [] },
      });
      await call(
        s,
        'GET',
        `${base}/issues?state=all&labels=x&sort=updated&direction=asc&per_page=1&page=1&since=2020-01-01T00:00:00Z`,
      );
      await call(s, 'GET', `${base}/issues/1`);
      const comment = await call<Json>(s, 'POST', `${base}/issues/1/comments`, { body: { body: 'hello' } });
      await call(s, 'GET', `${base}/issues/1/comments?per_page=1`);
      await call(s, 'GET', `${base}/issues/comments?sort=created&direction=desc`);
      await call(s, 'PATCH', `${base}/issues/comments/${String(comment.body.id)}`, { body: { body: 'edited' } });
      await call(s, 'GET', `${base}/issues/comments/${String(comment.body.id)}`);
      await call(s, 'DELETE', `${base}/issues/comments/${String(comment.body.id)}`);
      await call(s, 'POST', `${base}/labels`, { body: { name: 'sev: 1', color: 'b60205', description: 'd' } });
      await call(s, 'GET', `${base}/labels`);
      await call(s, 'PATCH', `${base}/labels/${encodeURIComponent('sev: 1')}`, { body: { description: 'e' } });
      await call(s, 'GET', `${base}/labels/${encodeURIComponent('sev: 1')}`);
      await call(s, 'POST', `${base}/issues/1/labels`, { body: { labels: ['sev: 1'] } });
      await call(s, 'PUT', `${base}/issues/1/labels`, { body: { labels: ['sev: 1', 'y'] } });
      await call(s, 'GET', `${base}/issues/1/labels`);
      await call(s, 'DELETE', `${base}/issues/1/labels/y`);
      await call(s, 'DELETE', `${base}/issues/1/labels`);
      await call(s, 'DELETE', `${base}/labels/${encodeURIComponent('sev: 1')}`);
      await call(s, 'GET', `${base}/assignees`);
      await call(s, 'GET', `${base}/assignees/octo-lead`);
      await call(s, 'POST', `${base}/issues/1/assignees`, { body: { assignees: ['octo-comms'] } });
      await call(s, 'DELETE', `${base}/issues/1/assignees`, { body: { assignees: ['octo-comms'] } });
      await call(s, 'DELETE', `${base}/issues/1/sub_issue`, { body: { sub_issue_id: child.body.id } });
      await call(s, 'GET', '/user');
      await call(s, 'GET', '/users/octo-lead');
      await call(s, 'GET', '/rate_limit');
      await call(s, 'GET', base);
      await call(s, 'GET', `${base}/issues/99`);
      await call(s, 'POST', `${base}/issues`, { body: { title: 'x', assignees: ['ghost'] } });
      assert.equal(parent.status, 201);
      assert.ok(s.requests.length >= 35);
      assert.deepEqual(s.violations, []);
    });
  });
});
