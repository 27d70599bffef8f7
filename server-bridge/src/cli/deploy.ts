/**
 * `kubeflow-bridge deploy RUN_ID --name NAME [--output model] [--challenger]
 * [--gate METRIC:maximize|minimize:MARGIN] [--percent N] [--predict FILE.json]
 * [--data-dir DIR] [--json]`: deploy a run's model on this machine, for CI.
 *
 * A thin layer over DeploymentService (the same code the Deploy view
 * drives), on the same run history as JupyterLab's bridge (`--data-dir`,
 * default Jupyter's data dir + `/kubeflow`). It waits for the model server
 * to be ready, optionally predicts the instances in FILE.json (`{instances}`
 * for V1, `{inputs}` for V2, or a bare list of instances), records the
 * deployment and stops the server again: `kubeflow-bridge serve` (or
 * JupyterLab) with the same data dir serves it from then on.
 *
 * Without --challenger the run becomes the champion of a new deployment and
 * --gate is the gate every later promotion must pass. With --challenger the
 * run joins NAME as a challenger; with --gate it replaces the champion only
 * if it beats it, and otherwise nothing changes and the exit code is 1 with
 * both numbers printed, so a pipeline cannot quietly ship a worse model.
 * Exit: 0 deployed (or promoted); 1 refused by the gate, a bad run or a model
 * server that failed; 2 usage.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalEngine } from '../engines/local/engine';
import { EngineError } from '../engines/local/types';
import { DeploymentService, DeployRequest, DeployResult, GateRefused } from '../serving/service';
import { modelServerScript } from '../serving/script';
import type { Gate } from '../serving/types';
import { CommandIO, PROCESS_IO } from './io';
import { defaultDataDir } from './serve';
import { UsageError } from './usage';

/** `accuracy`, `accuracy:maximize`, `loss:minimize:0.01`. */
export function parseGate(text: string): Gate {
  const [metric, direction = 'maximize', marginText = '0', ...rest] = text.split(':');
  const margin = Number(marginText);
  if (!metric || rest.length > 0 || (direction !== 'maximize' && direction !== 'minimize') || !Number.isFinite(margin) || margin < 0) {
    throw new UsageError(`--gate must be METRIC[:maximize|minimize[:MARGIN >= 0]], not '${text}'`);
  }
  return { metric, direction, margin };
}

function predictBody(file: string): { v2: boolean; body: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf-8'));
  } catch (err) {
    throw new UsageError(`--predict ${file}: not a readable JSON file (${(err as Error).message})`);
  }
  if (Array.isArray(parsed)) {
    return { v2: false, body: { instances: parsed } };
  }
  const o = parsed as { instances?: unknown; inputs?: unknown };
  if (Array.isArray(o?.instances)) {
    return { v2: false, body: o };
  }
  if (Array.isArray(o?.inputs)) {
    return { v2: true, body: o };
  }
  throw new UsageError(`--predict ${file}: expected {"instances": [...]} (V1), {"inputs": [...]} (V2) or a list of instances`);
}

export async function deploy(argv: string[], env: NodeJS.ProcessEnv, io: CommandIO = PROCESS_IO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      output: { type: 'string', default: 'model' },
      name: { type: 'string' },
      challenger: { type: 'boolean', default: false },
      gate: { type: 'string' },
      percent: { type: 'string' },
      predict: { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false }
    },
    allowPositionals: true,
    strict: true
  });
  if (positionals.length !== 1) {
    throw new UsageError('expected one RUN_ID argument');
  }
  if (!values.name) {
    throw new UsageError('--name NAME is required (the deployment: lower-case letters, digits and -)');
  }
  const gate = values.gate === undefined ? undefined : parseGate(values.gate);
  const percent = values.percent === undefined ? undefined : Number(values.percent);
  if (percent !== undefined && (!values.challenger || !(percent >= 0 && percent <= 100))) {
    throw new UsageError('--percent N (0 to 100) is the share of a --challenger');
  }
  const prediction = values.predict === undefined ? undefined : predictBody(resolve(values.predict));
  const note = (text: string) => io.stderr(`[kubeflow] ${text}\n`);

  const dataDir = resolve(values['data-dir'] ?? defaultDataDir(env));
  const engine = new LocalEngine({ dataDir, rootDir: process.cwd(), env });
  const service = new DeploymentService(engine, { dataDir, script: modelServerScript(env), env });
  const req: DeployRequest = {
    run: positionals[0], output: values.output!, name: values.name, role: values.challenger ? 'challenger' : 'champion', user: env.USER ?? null, wait: true,
    ...(values.challenger ? { ...(gate ? { promoteIf: gate } : {}), ...(percent !== undefined ? { challengerPercent: percent } : {}) } : { gate: gate ?? null })
  };
  try {
    let result: DeployResult;
    try {
      result = await service.deploy(req);
    } catch (err) {
      if (err instanceof GateRefused) {
        const { champion, challenger, gate: g } = err.result;
        io.stderr(`kubeflow-bridge deploy: ${err.message}\n`);
        io.stderr(`  champion   ${champion.metric} = ${champion.value ?? 'missing'}\n  challenger ${challenger.metric} = ${challenger.value ?? 'missing'}\n`);
        io.stderr(`  gate: ${g.direction} ${g.metric} by at least ${g.margin}; ${values.name} is unchanged\n`);
        if (values.json) {
          io.stdout(JSON.stringify({ deployment: values.name, promoted: false, gate: err.result }, null, 2) + '\n');
        }
        return 1;
      }
      if (err instanceof EngineError) {
        io.stderr(`kubeflow-bridge deploy: ${err.field ? `${err.field}: ` : ''}${err.message}\n`);
        return 1;
      }
      throw err;
    }
    const d = result.deployment;
    const live = d.versions.filter(v => v.role !== 'retired');
    for (const v of live) {
      note(`${d.name} ${v.id} (${v.role}) from run ${v.run}: server ${v.server?.state ?? 'none'}${v.server?.error ? `: ${v.server.error}` : ''}`);
    }
    if (result.gate) {
      note(`promoted: ${result.gate.reason}`);
    }
    const failed = live.find(v => v.server?.state !== 'ready');
    let answer: unknown;
    if (!failed && prediction) {
      const a = await (prediction.v2 ? service.infer(d.name, prediction.body) : service.predict(d.name, prediction.body));
      answer = { status: a.status, version: a.version, role: a.role, latency_ms: a.latencyMs, ...a.body };
      note(`${prediction.v2 ? 'V2 infer' : 'V1 predict'} -> ${a.status} from ${a.version} in ${a.latencyMs} ms`);
      if (!values.json) {
        io.stdout(JSON.stringify(a.body) + '\n');
      }
    }
    note(`deployment ${d.name} recorded in ${dataDir}; \`kubeflow-bridge serve --data-dir ${dataDir}\` serves it`);
    if (values.json) {
      io.stdout(JSON.stringify({
        deployment: d.name, promoted: result.promoted ?? false, ...(result.gate ? { gate: result.gate } : {}),
        versions: d.versions.map(v => ({ id: v.id, role: v.role, run: v.run, metrics: v.metrics, server: v.server?.state ?? null })),
        ...(answer === undefined ? {} : { prediction: answer })
      }, null, 2) + '\n');
    }
    return failed ? 1 : 0;
  } finally {
    await service.shutdown();
    await engine.shutdown();
  }
}
