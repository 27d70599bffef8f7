/**
 * The bridge's wire protocol, shared by the bridge (which sends) and the
 * extension (which reads), so the two can never drift apart.
 */

/** `GET /api/health`, and the facts in the events channel's greeting. */
export interface BridgeHealth {
  version: string;
  engines: readonly string[];
  /** The user the bridge sees for this request. */
  user: string;
}

/** First message on the events WebSocket. */
export interface HelloEvent extends BridgeHealth {
  type: 'hello';
}

/** Every event on the events WebSocket has a `type`. */
export interface BridgeEventBase {
  type: string;
  [key: string]: unknown;
}

/** Errors from the bridge: `{"error": {"code", "message", "field"?}}`. */
export interface BridgeErrorBody {
  error: { code: number; message: string; field?: string };
}

/** True when `value` is a well-formed greeting. */
export function isHelloEvent(value: unknown): value is HelloEvent {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const v = value as { [key: string]: unknown };
  return (
    v.type === 'hello' &&
    typeof v.version === 'string' &&
    typeof v.user === 'string' &&
    Array.isArray(v.engines) &&
    v.engines.every(e => typeof e === 'string')
  );
}
