/**
 * `kubeflow-bridge serve`: run the bridge on loopback.
 *
 * Secrets come from the environment, never from argv (which `ps` shows):
 *   KUBEFLOW_BRIDGE_SECRET        required; shared with the Jupyter server extension
 *   KUBEFLOW_BRIDGE_KERNEL_TOKEN  optional; lets kernels call as the owner
 *   KUBEFLOW_BRIDGE_OWNER         the owner's user name (default: $USER)
 * Once listening it prints one JSON line on stdout:
 *   {"event": "listening", "host": "127.0.0.1", "port": 43121}
 */
import { parseArgs } from 'node:util';
import { createBridgeServer } from '../http/server';
import { createLogger } from '../log';
import { VERSION } from '../version';
import { UsageError } from './usage';

/** Exit code when the port is taken, so a supervisor can pick another. */
export const EXIT_PORT_IN_USE = 3;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function serve(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      'watch-stdin': { type: 'boolean', default: false }
    },
    strict: true
  });
  const host = values.host!;
  const port = Number(values.port);
  if (!LOOPBACK.has(host)) {
    throw new UsageError(`--host must be a loopback address, not '${host}'`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, not '${values.port}'`);
  }
  const secret = env.KUBEFLOW_BRIDGE_SECRET ?? '';
  if (secret.length < 16) {
    throw new UsageError('KUBEFLOW_BRIDGE_SECRET must be set to a random string of 16 or more characters');
  }
  const log = createLogger();
  const bridge = createBridgeServer(
    {
      secret,
      kernelToken: env.KUBEFLOW_BRIDGE_KERNEL_TOKEN ?? '',
      owner: env.KUBEFLOW_BRIDGE_OWNER || env.USER || 'owner'
    },
    log
  );

  return new Promise<number>(resolve => {
    let stopping = false;
    const stop = (reason: string, code = 0) => {
      if (stopping) {
        return;
      }
      stopping = true;
      log.info('bridge stopping', { reason });
      void bridge.close().then(() => resolve(code));
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
