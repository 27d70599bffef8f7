/**
 * Who is calling. The bridge trusts exactly two kinds of caller:
 *
 * - the Jupyter server extension, which has authenticated the user itself and
 *   proves it is the extension with the per-process secret
 *   (`X-Kubeflow-Bridge-Secret`), naming the user in `X-Kubeflow-User`;
 * - a kernel of that server, which holds a separate kernel token
 *   (`Authorization: Bearer ...`) and always acts as the server's owner.
 *
 * Everything else is refused. Comparisons are constant-time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const SECRET_HEADER = 'x-kubeflow-bridge-secret';
export const USER_HEADER = 'x-kubeflow-user';

export interface AuthConfig {
  /** The per-process secret shared with the Jupyter server extension. */
  secret: string;
  /** The kernel token, or '' when kernels may not call the bridge. */
  kernelToken: string;
  /** The user that kernel-token callers act as. */
  owner: string;
}

export interface Caller {
  user: string;
  via: 'jupyter' | 'kernel';
}

/** A user name as Jupyter gives it: printable, bounded. */
const USER_PATTERN = /^[^\x00-\x1f\x7f]{1,256}$/;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function sameSecret(given: string, expected: string): boolean {
  // Hash first so that lengths never leak through timing.
  return expected.length > 0 && timingSafeEqual(digest(given), digest(expected));
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

/** The caller behind a request's headers, or null when it is not allowed in. */
export function authenticate(
  headers: IncomingHttpHeaders,
  config: AuthConfig
): Caller | null {
  const secret = single(headers[SECRET_HEADER]);
  if (secret !== undefined) {
    if (!sameSecret(secret, config.secret)) {
      return null;
    }
    const user = single(headers[USER_HEADER]);
    if (user === undefined || !USER_PATTERN.test(user)) {
      return null;
    }
    return { user, via: 'jupyter' };
  }
  const authorization = single(headers.authorization);
  const match = authorization?.match(/^Bearer (\S+)$/);
  if (match && sameSecret(match[1], config.kernelToken)) {
    return { user: config.owner, via: 'kernel' };
  }
  return null;
}
