/**
 * `/api/runs` through the real HTTP server with the secret: every bad
 * field is a 400 naming it, runs start, list, stream logs and publish
 * their events on the WebSocket.
 */
import { symlinkSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { createBridgeServer, BridgeServer } from '../../src/http/server';
import { createLogger } from '../../src/log';
import { code, notebook, Sandbox, sandbox } from './helpers';

const SECRET = 'test-secret-0123456789';
const HEADERS = { 'X-Kubeflow-Bridge-Secret': SECRET, 'X-Kubeflow-User': 'carol', 'Content-Type': 'application/json' };

let box: Sandbox;
let bridge: BridgeServer;
let base: string;

beforeEach(async () => {
  box = sandbox();
  bridge = createBridgeServer({ secret: SECRET, kernelToken: '', owner: 'carol' }, createLogger(() => undefined), {
    engine: box.engine()
  });
  await new Promise<void>(resolve => bridge.http.listen(0, '127.0.0.1', resolve));
  base = `127.0.0.1:${(bridge.http.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await bridge.close();
  await box.cleanup();
});

jest.setTimeout(60000);

const GOOD = notebook([
  code('n_rows = 3\nlabel = "x"', { role: 'parameters' }),
  code('import time\ntime.sleep(0.5)\nrows = list(range(n_rows))\nprint("made", len(rows), "rows")', { step: 'make' }),
  code('count = len(rows)', { step: 'count' }),
  code('count', { role: 'metrics' })
]);

async function api(method: string, path: string, body?: unknown, raw?: string) {
  const res = await fetch(`http://${base}${path}`, {
    method,
    headers: HEADERS,
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body))
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // logs are text
  }
  return { status: res.status, json, text };
}

describe('POST /api/runs refuses bad bodies, naming the field', () => {
  const cases: [string, unknown, string][] = [
    ['not an object', [1], 'body'],
    ['no notebook', {}, 'notebook'],
    ['notebook not an object', { notebook: 'a.ipynb' }, 'notebook'],
    ['empty path', { notebook: { path: '' } }, 'notebook.path'],
    ['neither path nor content', { notebook: {} }, 'notebook.path'],
    ['unknown notebook field', { notebook: { path: 'a.ipynb', kernel: 1 } }, 'notebook.kernel'],
    ['content not a notebook', { notebook: { content: 42 } }, 'notebook.content'],
    ['path escaping the root', { notebook: { path: '../outside.ipynb' } }, 'notebook.path'],
    ['absolute path', { notebook: { path: '/etc/passwd' } }, 'notebook.path'],
    ['missing file', { notebook: { path: 'nope.ipynb' } }, 'notebook.path'],
    ['parameters not an object', { notebook: { path: 'good.ipynb' }, parameters: [1] }, 'parameters'],
    ['null parameter', { notebook: { path: 'good.ipynb' }, parameters: { n_rows: null } }, 'parameters.n_rows'],
    ['wrong parameter type', { notebook: { path: 'good.ipynb' }, parameters: { n_rows: 'many' } }, 'parameters.n_rows'],
    ['float for an int', { notebook: { path: 'good.ipynb' }, parameters: { n_rows: 2.5 } }, 'parameters.n_rows'],
    ['unknown parameter', { notebook: { path: 'good.ipynb' }, parameters: { rows: 1 } }, 'parameters.rows'],
    ['cache not boolean', { notebook: { path: 'good.ipynb' }, options: { cache: 'no' } }, 'options.cache'],
    ['parallelism zero', { notebook: { path: 'good.ipynb' }, options: { parallelism: 0 } }, 'options.parallelism'],
    ['negative timeout', { notebook: { path: 'good.ipynb' }, options: { timeoutSeconds: -1 } }, 'options.timeoutSeconds'],
    ['empty python', { notebook: { path: 'good.ipynb' }, options: { python: '' } }, 'options.python'],
    ['unknown option', { notebook: { path: 'good.ipynb' }, options: { gpu: true } }, 'options.gpu'],
    ['unknown top-level field', { notebook: { path: 'good.ipynb' }, engine: 'kubeflow' }, 'engine']
  ];
  it.each(cases)('%s', async (_why, body, field) => {
    box.write('good.ipynb', GOOD);
    const res = await api('POST', '/api/runs', body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 400, field });
    expect(typeof res.json.error.message).toBe('string');
    expect((await api('GET', '/api/runs')).json.runs).toEqual([]);
  });

  it('says which cell is wrong when the notebook does not compile', async () => {
    box.write('bad.ipynb', notebook([code('y = undefined_name + 1', { step: 'use' }), code('z = y', { step: 'use' })]));
    const res = await api('POST', '/api/runs', { notebook: { path: 'bad.ipynb' } });
    expect(res.status).toBe(400);
    expect(res.json.error.field).toBe('notebook');
    expect(res.json.error.message).toMatch(/cell \d/);
  });

  it('refuses text that is not JSON with 400 and a body over 5 MB with 413', async () => {
    expect((await api('POST', '/api/runs', undefined, '{nope')).json.error).toMatchObject({ code: 400, field: 'body' });
    const huge = JSON.stringify({ notebook: { content: 'x'.repeat(6 * 1024 * 1024) } });
    expect((await api('POST', '/api/runs', undefined, huge)).status).toBe(413);
  });

  it('refuses without the secret', async () => {
    const res = await fetch(`http://${base}/api/runs`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
  });
});

describe('a run over HTTP', () => {
  it('starts, publishes events, lists by notebook, follows logs, gives outputs, reruns', async () => {
    box.write('sub/good.ipynb', GOOD);
    const ws = new WebSocket(`ws://${base}/api/events`, { headers: HEADERS });
    const events: any[] = [];
    ws.on('message', data => events.push(JSON.parse(String(data))));
    await new Promise(resolve => ws.once('open', resolve));

    const started = await api('POST', '/api/runs', { notebook: { path: './sub/good.ipynb' }, parameters: { n_rows: '4' } });
    expect(started.status).toBe(201);
    const id = started.json.id;
    expect(started.json).toMatchObject({ notebook: 'sub/good.ipynb', user: 'carol', parameters: { n_rows: 4, label: 'x' } });

    const follow = await fetch(`http://${base}/api/runs/${id}/tasks/make/logs?follow=1`, { headers: HEADERS });
    expect(follow.status).toBe(200);
    const followed = await follow.text(); // ends when the task ends
    expect(followed).toContain('made 4 rows');

    const run = await (async () => {
      for (;;) {
        const r = await api('GET', `/api/runs/${id}`);
        if (r.json.finishedAt) {
          return r.json;
        }
        await new Promise(res => setTimeout(res, 100));
      }
    })();
    expect([run.state, run.error]).toEqual(['succeeded', null]);
    expect(run.metrics).toEqual({ count: 4 });
    expect((await api('GET', `/api/runs/${id}/tasks/make/logs?tail=1`)).text).toBe('made 4 rows\n');

    const listed = await api('GET', '/api/runs?notebook=sub/good.ipynb');
    expect(listed.json.runs.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await api('GET', '/api/runs?notebook=other.ipynb')).json.runs).toEqual([]);

    const outputs = await api('GET', `/api/runs/${id}/outputs`);
    expect(outputs.json.metrics).toEqual({ count: 4 });
    expect(outputs.json.tasks.make.artifacts.rows).toMatchObject({ format: 'pickle' });

    await new Promise(res => setTimeout(res, 100));
    const runStates = events.filter(e => e.type === 'run' && e.run.id === id).map(e => e.run.state);
    expect(runStates[0]).toBe('running');
    expect(runStates[runStates.length - 1]).toBe('succeeded');
    const makeStates = events.filter(e => e.type === 'task' && e.task.name === 'make').map(e => e.task.state);
    expect(makeStates).toEqual(['running', 'succeeded']);
    ws.close();

    const rerun = await api('POST', `/api/runs/${id}/rerun`);
    expect(rerun.status).toBe(201);
    expect(rerun.json).toMatchObject({ rerunOf: id, parameters: { n_rows: 4 }, notebook: 'sub/good.ipynb' });
    expect((await api('POST', `/api/runs/${id}/cancel`)).status).toBe(409);
    expect((await api('GET', '/api/runs/nope')).status).toBe(404);
    expect((await api('GET', `/api/runs/${id}/tasks/nope/logs`)).status).toBe(404);
    expect((await api('GET', `/api/runs/${id}/tasks/make/logs?follow=1&tail=x`)).json.error.field).toBe('tail');
  });

  it('takes an absolute path inside the root (a kernel knows only its cwd), also through a symlinked root', async () => {
    box.write('sub/good.ipynb', GOOD);
    const absolute = join(box.root, 'sub', 'good.ipynb');
    const res = await api('POST', '/api/runs', { notebook: { path: absolute } });
    expect(res.status).toBe(201);
    expect(res.json.notebook).toBe('sub/good.ipynb');
    const listed = await api('GET', `/api/runs?notebook=${encodeURIComponent(absolute)}`);
    expect(listed.json.runs.map((r: { id: string }) => r.id)).toEqual([res.json.id]);
    await api('POST', `/api/runs/${res.json.id}/cancel`);

    // Jupyter's root_dir through a symlink; the kernel's cwd is the real path.
    const link = join(box.dir, 'root-link');
    symlinkSync(box.root, link);
    const linked = box.engine({ rootDir: link, dataDir: join(box.dir, 'data-linked') });
    const run = await linked.start({ notebook: { path: absolute } });
    expect(run.notebook).toBe('sub/good.ipynb');
    expect((await linked.wait(run.id)).state).toBe('succeeded');
    await expect(linked.start({ notebook: { path: join(box.dir, 'good.ipynb') } })).rejects.toMatchObject({ field: 'notebook.path' });
    await expect(linked.start({ notebook: { path: `${box.root}-other/good.ipynb` } })).rejects.toMatchObject({ field: 'notebook.path' });
  });

  it('runs inline notebook content (unsaved edits) too', async () => {
    const res = await api('POST', '/api/runs', { notebook: { content: GOOD } });
    expect(res.status).toBe(201);
    expect(res.json.notebook).toBeNull();
    expect(res.json.pipeline).toBe('pipeline');
  });
});
