/**
 * `kubeflow-bridge serve`: run the bridge on loopback.
 *
 * Secrets come from the environment or files, never from argv (which `ps` shows):
 *   KUBEFLOW_BRIDGE_SECRET        required; shared with the Jupyter server extension
 *                                 (or --secret-file PATH, e.g. a mounted Secret key)
 *   KUBEFLOW_BRIDGE_KERNEL_TOKEN  optional; lets kernels call as the owner
 *                                 (or --kernel-token-file PATH)
 *   KUBEFLOW_BRIDGE_OWNER         the owner's user name (default: $USER)
 * --host: loopback only unless --allow-remote (serve-access.ts says why).
 * Options: --data-dir DIR (run history and artifacts; default
 * `$JUPYTER_DATA_DIR/kubeflow`, else the platform's Jupyter data dir +
 * `/kubeflow`), --root-dir DIR (notebook paths are relative to it: Jupyter's
 * root_dir; default the working directory), --python PATH (the interpreter
 * that runs steps unless a run names one; default `python3` on PATH).
 * Kubeflow identity (identity/setup.ts; each also from the environment):
 * --identity none|pod|shared (KUBEFLOW_BRIDGE_IDENTITY, default none),
 * --kubeconfig PATH (KUBEFLOW_BRIDGE_KUBECONFIG: the bridge's own
 * credentials; default in-cluster), --user-map PATH (KUBEFLOW_BRIDGE_USER_MAP),
 * --profiles on|off (KUBEFLOW_BRIDGE_PROFILES, default on).
 * --kfp-endpoint URL (KUBEFLOW_BRIDGE_KFP_ENDPOINT): the KFP API server
 * (`http://ml-pipeline.kubeflow.svc.cluster.local:8888`); with an identity
 * mode it turns the kubeflow engine on (engines/kubeflow/setup.ts).
 * Kubeflow deployments (serving/kserve/options.ts): --kserve-deployment-mode
 * knative|standard, --kserve-service-account NAME, --kserve-feedback-batch N.
 * Once listening it prints one JSON line on stdout:
 *   {"event": "listening", "host": "127.0.0.1", "port": 43121}
 */
import { homedir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalEngine } from '../engines/local/engine';
import { createKubeflowEngine, kfpEndpointOf } from '../engines/kubeflow/setup';
import { createBridgeServer } from '../http/server';
import { DeploymentService } from '../serving/service';
import { StudyManager } from '../tuning/manager';
import { modelServerScript } from '../serving/script';
import { createIdentity, identityOptions, IdentityOptions } from '../identity/setup';
import { createLogger } from '../log';
import { VERSION } from '../version';
import { UsageError } from './usage';
import { bridgeSecrets, checkHost } from './serve-access';
import { KSERVE_FLAGS, kserveSettings } from '../serving/kserve/options';
import type { KServeSettings } from '../serving/kserve/types';

/** Exit code when the port is taken, so a supervisor can pick another. */
export const EXIT_PORT_IN_USE = 3;

export async function serve(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      'allow-remote': { type: 'boolean', default: false },
      'secret-file': { type: 'string' },
      'kernel-token-file': { type: 'string' },
      'watch-stdin': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      'root-dir': { type: 'string' },
      python: { type: 'string' },
      identity: { type: 'string' },
      kubeconfig: { type: 'string' },
      'user-map': { type: 'string' },
      profiles: { type: 'string' },
      'kfp-endpoint': { type: 'string' },
      ...KSERVE_FLAGS
    },
    strict: true
  });
  const host = values.host!;
  const port = Number(values.port);
  checkHost(host, values['allow-remote']!);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, not '${values.port}'`);
  }
  const { secret, kernelToken } = bridgeSecrets(
    { secretFile: values['secret-file'], kernelTokenFile: values['kernel-token-file'] },
    env
  );
  let identityConfig: IdentityOptions;
  let kfpEndpoint: string | undefined;
  let kserve: KServeSettings;
  try {
    identityConfig = identityOptions(values, env);
    kfpEndpoint = kfpEndpointOf(values['kfp-endpoint'], env);
    kserve = kserveSettings(values, env);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const log = createLogger();
  const identity = await createIdentity(identityConfig, env, log);
  const dataDir = resolvePath(values['data-dir'] ?? defaultDataDir(env));
  const rootDir = resolvePath(values['root-dir'] ?? process.cwd());
  let engine: LocalEngine | undefined;
  let engineError: string | undefined;
  try {
    engine = new LocalEngine({ dataDir, rootDir, python: values.python });
    log.info('local engine ready', { dataDir, rootDir, journal: engine.store.journalMode, interrupted: engine.store.recovered.length });
  } catch (err) {
    // The bridge still serves health and the events socket; runs say why not.
    engineError = (err as Error).message;
    log.error('local engine unavailable', { dataDir, error: engineError });
  }
  const kubeflow = createKubeflowEngine(kfpEndpoint, identity, engine, log);
  // Local deployments come back with the bridge: their servers start again.
  let deployments: DeploymentService | undefined;
  if (engine) {
    try {
      deployments = new DeploymentService(engine, { dataDir, script: modelServerScript(env), env });
      deployments.resume();
    } catch (err) {
      log.error('local serving unavailable', { error: (err as Error).message });
    }
  }
  // Studies a killed bridge left running go on (their interrupted trials are tried again).
  let studies: StudyManager | undefined;
  if (engine) {
    try {
      studies = new StudyManager(engine, { python: values.python });
      const resumed = studies.resumeOrphans();
      if (resumed.length) {
        log.info('studies resumed', { studies: resumed.length });
      }
    } catch (err) {
      log.error('tuning unavailable', { error: (err as Error).message });
    }
  }
  const bridge = createBridgeServer(
    {
      secret,
      kernelToken,
      owner: env.KUBEFLOW_BRIDGE_OWNER || env.USER || 'owner'
    },
    log,
    { engine, engineError, identity, kubeflow, deployments, studies, kserve }
  );

  return new Promise<number>(resolve => {
    let stopping = false;
    const stop = (reason: string, code = 0) => {
      if (stopping) {
        return;
      }
      stopping = true;
      log.info('bridge stopping', { reason });
      // Runs in progress are stopped and recorded as interrupted first.
      void (kubeflow?.shutdown() ?? Promise.resolve())
        .then(() => deployments?.shutdown())
        // Studies first: they must not record their trials' runs as interrupted by us.
        .then(() => studies?.shutdown())
        .then(() => engine?.shutdown())
        .catch(err => log.error('engine shutdown failed', { error: String(err) }))
        .then(() => bridge.close())
        .then(() => resolve(code));
    };

    bridge.http.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        log.error('port in use', { host, port });
        resolve(EXIT_PORT_IN_USE);
      } else {
        log.error('cannot listen', { host, port, error: String(err) });
        resolve(1);
      }
    });
    bridge.http.listen(port, host, () => {
      const address = bridge.http.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      log.info('bridge listening', { host, port: actual, version: VERSION });
      process.stdout.write(JSON.stringify({ event: 'listening', host, port: actual }) + '\n');
    });

    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    if (values['watch-stdin']) {
      // The parent holds our stdin open; when it dies, even by SIGKILL, the
      // pipe closes and we go too, so no bridge outlives its Jupyter server.
      process.stdin.on('end', () => stop('parent closed stdin'));
      process.stdin.on('error', () => stop('parent closed stdin'));
      process.stdin.resume();
    }
  });
}

/** Jupyter's data dir (as `jupyter --data-dir` says) + `/kubeflow`. */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  if (env.JUPYTER_DATA_DIR) {
    return join(env.JUPYTER_DATA_DIR, 'kubeflow');
  }
  const home = env.HOME || homedir();
  if (process.platform === 'darwin') {
    return join(home, 'Library', 'Jupyter', 'kubeflow');
  }
  if (process.platform === 'win32') {
    return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'jupyter', 'kubeflow');
  }
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'jupyter', 'kubeflow');
}
