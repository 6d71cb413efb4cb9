import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useSandbox } from '../support/fixtures';
import { serveProcess } from './support';

const ROOT = join(__dirname, '..', '..');

/** The Dockerfile's instructions (no docker daemon here): continuation lines joined, comments dropped. */
function instructions(): { op: string; args: string }[] {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .filter((line) => line.trim() && !line.trimStart().startsWith('#'))
    .map((line) => {
      const [, op = '', args = ''] = /^\s*(\S+)\s*(.*)$/.exec(line) ?? [];
      return { op: op.toUpperCase(), args };
    });
}

function execForm(op: string): string[] {
  const found = instructions().find((i) => i.op === op);
  assert.ok(found, `the Dockerfile has ${op}`);
  return JSON.parse(found.args.replace(/^(--\S+\s+)*CMD\s+/, '')) as string[];
}

function envOf(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of instructions().filter((i) => i.op === 'ENV'))
    for (const [, name = '', value = ''] of args.matchAll(/(\w+)=(\S+)/g)) env[name] = value;
  return env;
}

describe('Dockerfile', () => {
  const sandbox = useSandbox();

  it('builds and runs on Node 24, the Action runtime (Node 20 is past its end of life)', () => {
    const images = instructions()
      .filter((i) => i.op === 'FROM')
      .map((i) => i.args.split(/\s+/)[0]);
    assert.ok(images.length > 0);
    for (const image of images) assert.match(image ?? '', /^node:24(-|$)/);
  });

  it('the server listens on $PORT and refuses --port, so the health check cannot ask another port', () => {
    const [shell, ...script] = execForm('ENTRYPOINT');
    assert.equal(shell, '/bin/sh');
    // A stand-in for node on PATH prints the command line the container would run.
    const bin = mkdtempSync(join(tmpdir(), 'firebreak-docker-'));
    writeFileSync(join(bin, 'node'), '#!/bin/sh\necho "$@"\n');
    chmodSync(join(bin, 'node'), 0o755);
    const env = { PATH: `${bin}:${process.env['PATH'] ?? ''}`, PORT: '9000' };
    const run = (...args: string[]) => spawnSync('/bin/sh', [...script, ...args], { env, encoding: 'utf8' });
    const started = run('--repo', 'acme/incidents');
    assert.equal(started.status, 0, started.stderr);
    assert.equal(started.stdout.trim(), '/app/cli.js serve --host 0.0.0.0 --port 9000 --repo acme/incidents');
    for (const flag of [['--port', '9001'], ['--port=9001'], ['-p', '9001']]) {
      const refused = run('--repo', 'acme/incidents', ...flag);
      assert.equal(refused.status, 2, flag.join(' '));
      assert.match(refused.stderr, /-e PORT=N/);
    }
    assert.equal(envOf()['PORT'], '8080', 'a default port');
  });

  it('the health check asks /healthz on $PORT', async function () {
    this.timeout(60_000);
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--only', 'cli'], { cwd: ROOT });
    const [node, ...check] = execForm('HEALTHCHECK');
    assert.equal(node, 'node');
    const served = await serveProcess(sandbox().url, { FIREBREAK_ALERT_TOKEN: 'alert-token-0123456789' });
    try {
      const port = new URL(served.url).port;
      const probe = (PORT: string) => spawnSync(process.execPath, check, { env: { PORT }, encoding: 'utf8' }).status;
      assert.equal(probe(port), 0, 'healthy on the port the server listens on');
      served.child.kill('SIGTERM');
      await new Promise((done) => served.child.once('exit', done));
      assert.equal(probe(port), 1, 'unhealthy once nothing answers there');
    } finally {
      served.child.kill('SIGTERM');
    }
  });
});
