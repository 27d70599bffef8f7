/**
 * Where `kubeflow-bridge serve` may listen and where its secrets come from.
 *
 * The bridge holds the only cluster credentials, so it listens on loopback
 * unless the operator says otherwise with --allow-remote (a sidecar does not
 * need it: the containers of a pod share one loopback interface, so
 * 127.0.0.1 reaches the Jupyter container and nothing outside the pod).
 * Secrets come from the environment or from files (a mounted Kubernetes
 * Secret), never from argv, which `ps` shows; they are never logged.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './usage';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Refuse a non-loopback bind unless the operator allowed it explicitly. */
export function checkHost(host: string, allowRemote: boolean): void {
  if (!LOOPBACK.has(host) && !allowRemote) {
    throw new UsageError(
      `--host '${host}' is not a loopback address: anyone who can reach it could try the ` +
        'bridge\'s secret. Use 127.0.0.1 (a sidecar shares the pod\'s loopback), or pass ' +
        '--allow-remote if the network in front of it is yours to trust'
    );
  }
}

/** A secret file's content without the trailing newline editors and `kubectl` add. */
function readSecretFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    // The code only (ENOENT, EACCES): the message is all the operator needs.
    throw new UsageError(`${flag} ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export interface BridgeSecrets {
  secret: string;
  kernelToken: string;
}

/** The shared secret (required, 16+ characters) and the optional kernel token. */
export function bridgeSecrets(
  files: { secretFile?: string; kernelTokenFile?: string },
  env: NodeJS.ProcessEnv
): BridgeSecrets {
  const secret = files.secretFile
    ? readSecretFile(files.secretFile, '--secret-file')
    : env.KUBEFLOW_BRIDGE_SECRET ?? '';
  if (secret.length < 16) {
    const where = files.secretFile ? `--secret-file ${files.secretFile}` : 'KUBEFLOW_BRIDGE_SECRET';
    throw new UsageError(`${where} must hold a random string of 16 or more characters`);
  }
  const kernelToken = files.kernelTokenFile
    ? readSecretFile(files.kernelTokenFile, '--kernel-token-file')
    : env.KUBEFLOW_BRIDGE_KERNEL_TOKEN ?? '';
  if (files.kernelTokenFile && kernelToken.length < 16) {
    throw new UsageError(`--kernel-token-file ${files.kernelTokenFile} must hold 16 or more characters`);
  }
  return { secret, kernelToken };
}
