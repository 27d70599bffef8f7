/**
 * "Try it" for a Kubeflow deployment: the bridge forwards the V1 or V2
 * request to the InferenceService's address (`status.address.url`, else
 * `status.url`) as the user, with `Authorization: Bearer <their kube-audience
 * token>` (KServe behind Istio/Knative with auth accepts the service
 * account's token; without auth it is ignored). Only http(s) addresses;
 * redirects are never followed (the token would go with them); a timeout;
 * the answer is capped in size. The token is in the request header only:
 * no error message, log line or answer carries it (errors name the host).
 */
import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { EngineError } from '../../engines/local/types';

export type Protocol = 'v1' | 'v2';

export const PREDICT_TIMEOUT_MS = 30_000;
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export interface Forwarded {
  status: number;
  body: { [key: string]: unknown };
  latencyMs: number;
}

type Obj = { [key: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where the InferenceService `name` answers, from its status; 503 without one, 502 for a non-http(s) one. */
export function serviceAddress(status: unknown, name: string): URL {
  const s = isObj(status) ? status : {};
  const address = isObj(s.address) && typeof s.address.url === 'string' && s.address.url ? s.address.url : null;
  const raw = address ?? (typeof s.url === 'string' && s.url ? s.url : null);
  if (!raw) {
    throw new EngineError(`${name} has no address yet (its status has neither address.url nor url)`, 503, 'name');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EngineError(`${name}'s address in its status is not a URL`, 502, 'name');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EngineError(`${name}'s address uses ${url.protocol.replace(/:$/, '')}; the bridge sends predictions to http(s) addresses only`, 502, 'name');
  }
  if (url.username || url.password) {
    throw new EngineError(`${name}'s address carries credentials; the bridge refuses it`, 502, 'name');
  }
  return url;
}

/** KServe's paths for model `model`: V1 predict, V2 (Open Inference Protocol) infer. */
export function predictPath(protocol: Protocol, model: string): string {
  const m = encodeURIComponent(model);
  return protocol === 'v1' ? `/v1/models/${m}:predict` : `/v2/models/${m}/infer`;
}

/** POST `body` as JSON to `base` + `path` with the user's token; never follows a redirect. */
export function forwardPrediction(
  base: URL,
  path: string,
  token: string,
  body: unknown,
  name: string,
  timeoutMs = PREDICT_TIMEOUT_MS
): Promise<Forwarded> {
  const target = new URL(base.href);
  target.pathname = `${base.pathname.replace(/\/+$/, '')}${path}`;
  target.search = '';
  target.hash = '';
  const host = target.host;
  const payload = Buffer.from(JSON.stringify(body));
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const began = performance.now();
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: EngineError) => {
      if (!settled) {
        settled = true;
        reject(err);
      }
    };
    const req = send(target, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Content-Length': payload.length,
        Authorization: `Bearer ${token}`
      },
      timeout: timeoutMs
    }, (res: IncomingMessage) => {
      const status = res.statusCode ?? 502;
      if (status >= 300 && status < 400) {
        res.resume();
        fail(new EngineError(`${name} at ${host} answered with a redirect (${status}); the bridge does not follow redirects`, 502, 'name'));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) {
          req.destroy();
          fail(new EngineError(`${name} at ${host} answered more than ${MAX_ANSWER_BYTES} bytes`, 502, 'name'));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', () => fail(new EngineError(`${name} at ${host} broke off its answer`, 502, 'name')));
      res.on('end', () => {
        if (settled) {
          return;
        }
        const latencyMs = Math.round((performance.now() - began) * 1000) / 1000;
        const text = Buffer.concat(chunks).toString('utf-8');
        if (status === 401 || status === 403) {
          fail(new EngineError(
            `${name} at ${host} refused your service account's token (${status}): the mesh's authorization policy does not let it call this InferenceService`,
            502, 'name'
          ));
          return;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        if (!isObj(parsed)) {
          if (status < 400) {
            fail(new EngineError(`${name} at ${host} answered ${status} without a JSON object`, 502, 'name'));
            return;
          }
          parsed = { error: text.slice(0, 500) || `status ${status}` };
        }
        settled = true;
        resolve({ status, body: parsed as Obj, latencyMs });
      });
    });
    req.on('timeout', () => {
      req.destroy();
      fail(new EngineError(`${name} at ${host} did not answer within ${Math.round(timeoutMs / 1000)} s`, 504, 'name'));
    });
    req.on('error', err => {
      const code = (err as NodeJS.ErrnoException).code;
      fail(new EngineError(`could not reach ${name} at ${host}${code ? ` (${code})` : ''}`, 502, 'name'));
    });
    req.end(payload);
  });
}
