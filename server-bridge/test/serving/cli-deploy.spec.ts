/**
 * `kubeflow-bridge deploy` in-process on real parts: a notebook trains a
 * decision tree three times on the local engine (depth 1 < 2 < 4 in
 * accuracy), KServe's model server loads the model, the gate compares the
 * runs' metrics. A worse challenger exits 1 with both numbers and changes
 * nothing; a better one is promoted.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deploy, parseGate } from '../../src/cli/deploy';
import { DeploymentService } from '../../src/serving/service';
import { modelServerScript } from '../../src/serving/script';
import { UsageError } from '../../src/cli/usage';
import { PYTHON, sandbox, Sandbox } from '../engine/helpers';
import { IRIS } from './iris';

jest.setTimeout(240_000);

const INSTANCES = [[5.1, 3.5, 1.4, 0.2], [6.0, 2.7, 5.1, 1.6], [6.7, 3.0, 5.2, 2.3]];

let box: Sandbox;
const runs: { [depth: number]: { id: string; accuracy: number; modelPath: string } } = {};

async function cli(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await deploy([...argv, '--data-dir', box.data], process.env, { stdout: t => void (stdout += t), stderr: t => void (stderr += t) });
  return { status, stdout, stderr };
}

beforeAll(async () => {
  box = sandbox();
  const engine = box.engine();
  box.write('iris.ipynb', IRIS);
  for (const depth of [1, 2, 4]) {
    const started = await engine.start({ notebook: { path: 'iris.ipynb' }, parameters: { depth } });
    const run = await engine.wait(started.id);
    expect(run.state).toBe('succeeded');
    runs[depth] = { id: run.id, accuracy: run.metrics!.accuracy, modelPath: run.tasks.find(t => t.name === 'train')!.outputs!.artifacts.model.path };
  }
  await engine.shutdown(); // the CLI opens the history itself, as a separate process would
});

afterAll(async () => {
  await box?.cleanup();
});

it('parses --gate', () => {
  expect(parseGate('accuracy')).toEqual({ metric: 'accuracy', direction: 'maximize', margin: 0 });
  expect(parseGate('loss:minimize:0.05')).toEqual({ metric: 'loss', direction: 'minimize', margin: 0.05 });
  expect(() => parseGate('accuracy:up')).toThrow(UsageError);
  expect(() => parseGate('accuracy:maximize:-1')).toThrow(/MARGIN >= 0/);
});

it('deploys a champion, predicts, refuses a worse challenger with both numbers, promotes a better one', async () => {
  const file = join(box.dir, 'instances.json');
  writeFileSync(file, JSON.stringify({ instances: INSTANCES }));
  const own = JSON.parse(execFileSync(PYTHON, ['-c', 'import joblib, json, sys; print(json.dumps(joblib.load(sys.argv[1]).predict(json.loads(sys.argv[2])).tolist()))',
    `${runs[2].modelPath}/model.joblib`, JSON.stringify(INSTANCES)], { encoding: 'utf-8' }));

  const first = await cli([runs[2].id, '--name', 'iris', '--gate', 'accuracy:maximize:0.01', '--predict', file, '--json']);
  expect(first.stderr).toContain('v1 (champion)');
  expect(first.status).toBe(0);
  const report = JSON.parse(first.stdout);
  expect(report.prediction.predictions).toEqual(own);
  expect(report.versions).toEqual([{ id: 'v1', role: 'champion', run: runs[2].id, metrics: { accuracy: runs[2].accuracy }, server: 'ready' }]);

  const worse = await cli([runs[1].id, '--name', 'iris', '--challenger', '--gate', 'accuracy:maximize:0.01']);
  expect(worse.status).toBe(1);
  expect(worse.stderr).toContain(`champion   accuracy = ${runs[2].accuracy}`);
  expect(worse.stderr).toContain(`challenger accuracy = ${runs[1].accuracy}`);

  const better = await cli([runs[4].id, '--name', 'iris', '--challenger', '--gate', 'accuracy:maximize:0.01', '--json']);
  expect(better.stderr).toContain('promoted: accuracy');
  expect(better.status).toBe(0);
  expect(JSON.parse(better.stdout)).toMatchObject({ deployment: 'iris', promoted: true, gate: { passed: true } });

  // What the CLI recorded is what a bridge on the same data dir serves.
  const engine = box.engine();
  const service = new DeploymentService(engine, { dataDir: box.data, script: modelServerScript() });
  try {
    expect(service.get('iris').versions.map(v => [v.id, v.role, v.run])).toEqual([['v1', 'retired', runs[2].id], ['v2', 'champion', runs[4].id]]);
  } finally {
    await service.shutdown();
  }
});

it('says what is wrong with the call', async () => {
  await expect(cli(['--name', 'x'])).rejects.toThrow('expected one RUN_ID');
  await expect(cli(['r1'])).rejects.toThrow('--name NAME is required');
  const missing = await cli(['no-such-run', '--name', 'x']);
  expect(missing.status).toBe(1);
  expect(missing.stderr).toContain('run: no run no-such-run');
});
