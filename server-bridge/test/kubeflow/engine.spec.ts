/**
 * The kubeflow engine over a scripted KFP (a fake fetch): runs land in the
 * local engine's history with engine `kubeflow`, follow KFP's states with
 * the same run and task events, and a new engine on the same store (a
 * restarted bridge) picks unfinished kubeflow runs up again.
 */
import { KubeflowEngine } from '../../src/engines/kubeflow/engine';
import type { EngineEvent, RunRecord } from '../../src/engines/local/types';
import { code, notebook, sandbox, Sandbox } from '../engine/helpers';

type Json = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Just enough of KFP for the engine: state the test sets by hand. */
function fakeKfp() {
  const runs = new Map<string, Json>();
  const calls: string[] = [];
  let n = 0;
  const reply = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });
  const fetchImpl = (async (input: URL, init: RequestInit) => {
    const url = new URL(String(input));
    const path = url.pathname.replace('/apis/v2beta1', '');
    calls.push(`${init.method} ${path}`);
    if (path === '/experiments' && init.method === 'GET') return reply({ experiments: [] });
    if (path === '/experiments') return reply({ experiment_id: 'e1', display_name: 'x', namespace: 'team-a' });
    if (path.startsWith('/pipelines/names/')) return reply({ code: 5, message: 'not found' }, 404);
    if (path === '/pipelines/upload') return reply({ pipeline_id: 'p1', name: 'counts' });
    if (path === '/pipelines/p1/versions') return reply({ pipeline_versions: [{ pipeline_id: 'p1', pipeline_version_id: 'v1' }] });
    if (path === '/runs' && init.method === 'POST') {
      const run = { ...JSON.parse(String(init.body)), run_id: `r${++n}`, state: 'PENDING' };
      runs.set(run.run_id, run);
      return reply(run);
    }
    const run = runs.get(path.split('/')[2]?.split(':')[0] ?? '');
    if (!run) return reply({ code: 5, message: 'run not found' }, 404);
    if (path.endsWith(':terminate')) {
      run.state = 'CANCELING';
      return reply({});
    }
    return reply(run);
  }) as unknown as typeof fetch;
  return { runs, calls, fetchImpl };
}

const identity = {
  resolve: async (user: string) => ({ user, namespace: 'team-a', serviceAccount: 'default-editor', mode: 'shared' as const }),
  token: async () => 'not-a-real-token'
};

async function until<T>(fn: () => T | undefined | null | false, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

describe('KubeflowEngine', () => {
  let box: Sandbox;
  const engines: KubeflowEngine[] = [];
  const make = (kfp: ReturnType<typeof fakeKfp>) => {
    const local = box.engine();
    const engine = new KubeflowEngine({
      endpoint: 'http://kfp.test', store: local.store, rootDir: box.root, resolver: identity, tokens: identity,
      fetch: kfp.fetchImpl, follow: { initialMs: 20, maxMs: 80 }
    });
    engines.push(engine);
    return { local, engine };
  };

  beforeEach(() => {
    box = sandbox();
    box.write('counts.ipynb', notebook([
      code('n_rows = 3', { role: 'parameters' }),
      code('data = list(range(n_rows))', { step: 'load' }),
      code('print(sum(data))', { step: 'train' })
    ]));
  });
  afterEach(async () => {
    await Promise.all(engines.splice(0).map(e => e.shutdown()));
    await box.cleanup();
  });

  it('records the run beside local runs and follows it with run and task events', async () => {
    const kfp = fakeKfp();
    const { local, engine } = make(kfp);
    const events: EngineEvent[] = [];
    engine.onEvent(e => events.push(e));
    const run = await engine.start({ notebook: { path: 'counts.ipynb' }, parameters: { n_rows: '7' }, user: 'alice' });
    expect(run).toMatchObject({ engine: 'kubeflow', state: 'pending', parameters: { n_rows: 7 }, notebook: 'counts.ipynb' });
    expect(run.remote).toMatchObject({ runId: 'r1', experimentId: 'e1', namespace: 'team-a', pipelineVersionId: 'v1' });
    expect(kfp.runs.get('r1')!.runtime_config.parameters).toEqual({ n_rows: 7 });
    expect(local.list().map(r => r.id)).toEqual([run.id]);

    Object.assign(kfp.runs.get('r1')!, { state: 'RUNNING', run_details: { task_details: [{ display_name: 'load', state: 'RUNNING' }] } });
    await until(() => engine.get(run.id)?.state === 'running', 'running');
    Object.assign(kfp.runs.get('r1')!, {
      state: 'SUCCEEDED',
      run_details: { task_details: [{ display_name: 'load', state: 'SUCCEEDED' }, { display_name: 'train', state: 'SKIPPED' }] }
    });
    const done = await until(() => (engine.get(run.id)?.state === 'succeeded' ? engine.get(run.id) : null), 'succeeded');
    expect(done!.tasks.map(t => [t.name, t.state, t.cached])).toEqual([['load', 'succeeded', false], ['train', 'succeeded', true]]);
    const runStates = events.filter(e => e.type === 'run').map(e => (e as { run: RunRecord }).run.state);
    expect(runStates).toEqual(['pending', 'running', 'succeeded']);
    expect(events.filter(e => e.type === 'task').map(e => (e as { task: { name: string; state: string } }).task.state))
      .toEqual(['running', 'succeeded', 'succeeded']);
    const polls = kfp.calls.filter(c => c === 'GET /runs/r1').length;
    await new Promise(r => setTimeout(r, 200));
    expect(kfp.calls.filter(c => c === 'GET /runs/r1').length).toBe(polls); // stopped at the terminal state
  });

  it('terminates through KFP and reports cancelled once KFP does', async () => {
    const kfp = fakeKfp();
    const { engine } = make(kfp);
    const run = await engine.start({ notebook: { path: 'counts.ipynb' }, user: 'alice' });
    const after = await engine.cancel(run.id, 'alice');
    expect(kfp.calls).toContain('POST /runs/r1:terminate');
    expect(after.remote!.state).toBe('CANCELING');
    expect(after.state).toBe('running');
    kfp.runs.get('r1')!.state = 'CANCELED';
    await until(() => engine.get(run.id)?.state === 'cancelled', 'cancelled');
    await expect(engine.cancel(run.id, 'alice')).rejects.toMatchObject({ status: 409 });
  });

  it('a restarted bridge follows unfinished kubeflow runs again; local recovery leaves them alone', async () => {
    const kfp = fakeKfp();
    const first = make(kfp);
    const run = await first.engine.start({ notebook: { path: 'counts.ipynb' }, user: 'alice' });
    await first.engine.shutdown();
    await first.local.shutdown();
    kfp.runs.get('r1')!.state = 'RUNNING';
    const second = make(kfp);
    expect(second.local.get(run.id)!.state).not.toBe('interrupted');
    await until(() => second.engine.get(run.id)?.state === 'running', 'running after the restart');
  });

  it('a bad parameter is refused before anything reaches KFP', async () => {
    const kfp = fakeKfp();
    const { engine } = make(kfp);
    await expect(engine.start({ notebook: { path: 'counts.ipynb' }, parameters: { n_rows: 'ten' }, user: 'alice' }))
      .rejects.toMatchObject({ status: 400, field: 'parameters.n_rows' });
    expect(kfp.calls).toEqual([]);
  });
});
