/**
 * Kubernetes refusals turned into messages a data scientist can act on.
 * The API server answers with a `Status` object (`reason`, `message`,
 * `details.causes[]`); we keep its facts (namespace, resource, verb, the
 * fields at fault) and drop anything else, so no header or token can leak.
 */
export class KubeError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string
  ) {
    super(message);
    this.name = 'KubeError';
  }
}

/** What the bridge was doing, for the message. */
export interface KubeAction {
  verb: string;
  /** e.g. `experiments.kubeflow.org`, `serviceaccounts/token`. */
  resource: string;
  namespace: string;
  name?: string;
}

interface StatusCause {
  field?: string;
  message?: string;
  reason?: string;
}

interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  details?: { causes?: StatusCause[] };
}

function statusBody(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return statusBody(JSON.parse(body));
    } catch {
      return {};
    }
  }
  return typeof body === 'object' && body !== null ? (body as StatusBody) : {};
}

/** An ApiException (or a network error) from client-node -> a KubeError. */
export function kubeErrorOf(err: unknown, action: KubeAction): KubeError {
  if (err instanceof KubeError) {
    return err;
  }
  const code = (err as { code?: unknown }).code;
  const what = `${action.resource}${action.name ? ` '${action.name}'` : ''}`;
  if (typeof code !== 'number') {
    // No HTTP answer at all: unreachable, TLS, DNS.
    const reason = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message ?? String(err);
    return new KubeError(502, `the Kubernetes API server is unreachable (${action.verb} ${what} in namespace ${action.namespace}): ${reason}`);
  }
  const status = statusBody((err as { body?: unknown }).body);
  const said = status.message ? `: ${status.message}` : '';
  switch (code) {
    case 401:
      return new KubeError(401, `the Kubernetes API server did not accept the credentials for ${action.verb} ${what} in namespace ${action.namespace}`);
    case 403:
      return new KubeError(403, `forbidden: may not ${action.verb} ${what} in namespace ${action.namespace}${said}`);
    case 404:
      return new KubeError(404, `not found: ${what} in namespace ${action.namespace}${said}`);
    case 409:
      return new KubeError(409, `conflict: ${what} in namespace ${action.namespace} ${status.reason === 'AlreadyExists' ? 'already exists' : 'was changed meanwhile'}${said}`);
    case 422: {
      const causes = status.details?.causes ?? [];
      const fields = causes.map(c => `${c.field ?? '?'}: ${c.message ?? c.reason ?? 'invalid'}`);
      const detail = fields.length > 0 ? fields.join('; ') : status.message ?? 'invalid';
      return new KubeError(422, `invalid ${what} in namespace ${action.namespace}: ${detail}`, causes[0]?.field);
    }
    default:
      return new KubeError(code >= 500 ? 502 : code, `Kubernetes answered ${code} to ${action.verb} ${what} in namespace ${action.namespace}${said}`);
  }
}
