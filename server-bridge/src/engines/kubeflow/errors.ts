/**
 * KFP's answers -> errors a data scientist can act on. Each names what was
 * refused: the endpoint that did not answer, the namespace, resource and
 * verb that RBAC denied, the experiment that is gone, the parameter that
 * was rejected. They are EngineErrors, so the HTTP layer answers with their
 * status and field. No message ever carries a request header.
 */
import { EngineError } from '../local/types';
import type { KfpStatus, KfpUploadError } from './wire';

export type KfpErrorKind =
  | 'unreachable'
  | 'unauthenticated'
  | 'forbidden'
  | 'experiment-missing'
  | 'not-found'
  | 'parameters'
  | 'invalid'
  | 'conflict'
  | 'server';

export class KfpError extends EngineError {
  constructor(
    message: string,
    status: number,
    readonly kind: KfpErrorKind,
    field?: string,
    /** The HTTP status KFP answered with (0: no answer). */
    readonly upstream = 0
  ) {
    super(message, status, field);
    this.name = 'KfpError';
  }
}

/** What the call was, for messages: `POST /apis/v2beta1/runs`. */
export interface KfpCall {
  method: string;
  path: string;
  endpoint: string;
  /** Set when the call is about an experiment id (create run, list runs). */
  experimentId?: string;
}

export interface Refusal {
  namespace?: string;
  resource?: string;
  verb?: string;
  user?: string;
}

/**
 * KFP's SubjectAccessReview refusal, as its resource manager writes it:
 * `User 'system:serviceaccount:ns:sa' is not authorized with reason: ...
 * (request: &ResourceAttributes{Namespace:ns,Verb:create,Group:pipelines.kubeflow.org,...,Resource:runs,...})`.
 */
export function parseRefusal(message: string): Refusal {
  const attr = (name: string) => message.match(new RegExp(`\\b${name}:([^,}\\s]*)`))?.[1] || undefined;
  const user = message.match(/User '([^']+)'/)?.[1];
  return { namespace: attr('Namespace'), resource: attr('Resource'), verb: attr('Verb'), user };
}

/** The parameter a 400 is about, when the message names one. */
export function parameterOf(message: string): string | undefined {
  return message.match(/\bparameters?\s+["'`]?([A-Za-z_][A-Za-z0-9_]*)["'`]?/i)?.[1];
}

/** The message of a KFP error body: JSON `{code, message}` or multipart `{error_message, error_details}`. */
export function messageOf(body: unknown, fallback: string): string {
  if (typeof body === 'object' && body !== null) {
    const status = body as KfpStatus & KfpUploadError;
    const text = status.message || status.error_details || status.error_message;
    if (typeof text === 'string' && text.trim() !== '') {
      return text.trim();
    }
  }
  return fallback;
}

export function unreachable(call: KfpCall, cause: unknown): KfpError {
  const why = causeOf(cause);
  return new KfpError(
    `the Kubeflow Pipelines API at ${call.endpoint} is unreachable (${call.method} ${call.path}): ${why}`,
    502,
    'unreachable'
  );
}

/** A non-2xx answer from KFP -> the specific KfpError. */
export function fromResponse(call: KfpCall, status: number, body: unknown): KfpError {
  const message = messageOf(body, `HTTP ${status}`);
  const what = `${call.method} ${call.path}`;
  if (status === 401) {
    return new KfpError(
      `Kubeflow Pipelines did not accept the service account token (401 on ${what}): ${message}. ` +
        'Check that the API server accepts tokens with audience pipelines.kubeflow.org.',
      502,
      'unauthenticated',
      undefined,
      status
    );
  }
  if (status === 403) {
    const r = parseRefusal(message);
    const who = r.user ? `${r.user} may not` : 'the service account may not';
    const act = r.verb && r.resource ? `${r.verb} ${r.resource}` : `call ${what}`;
    const where = r.namespace ? ` in namespace ${r.namespace}` : '';
    return new KfpError(
      `Kubeflow Pipelines refused: ${who} ${act} (pipelines.kubeflow.org)${where}. ` +
        'Ask an admin for a RoleBinding that grants it, e.g. to the kubeflow-pipelines-edit ClusterRole.',
      403,
      'forbidden',
      undefined,
      status
    );
  }
  if (status === 404 && (call.experimentId || /experiment/i.test(message))) {
    return new KfpError(
      `experiment ${call.experimentId ?? ''} does not exist in Kubeflow Pipelines (it may have been deleted): ${message}`.replace('  ', ' '),
      404,
      'experiment-missing',
      'options.experiment',
      status
    );
  }
  if (status === 404) {
    return new KfpError(`not found in Kubeflow Pipelines (${what}): ${message}`, 404, 'not-found', undefined, status);
  }
  if (status === 400) {
    const parameter = parameterOf(message);
    if (parameter) {
      return new KfpError(
        `Kubeflow Pipelines rejected parameter ${parameter}: ${message}`,
        400,
        'parameters',
        `parameters.${parameter}`,
        status
      );
    }
    return new KfpError(`Kubeflow Pipelines rejected the request (${what}): ${message}`, 400, 'invalid', undefined, status);
  }
  if (status === 409) {
    return new KfpError(`Kubeflow Pipelines: ${message}`, 409, 'conflict', undefined, status);
  }
  return new KfpError(`Kubeflow Pipelines failed (${status} on ${what}): ${message}`, 502, 'server', undefined, status);
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) {
    return cause.code;
  }
  if ((err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError') {
    return 'no answer in time';
  }
  return cause?.message ?? (err as Error)?.message ?? String(err);
}
