/** Small helpers to answer with JSON, and the error shape every route uses. */
import type { ServerResponse } from 'node:http';

export interface ErrorBody {
  error: { code: number; message: string; field?: string };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store'
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  field?: string
): void {
  const body: ErrorBody = { error: { code: status, message } };
  if (field !== undefined) {
    body.error.field = field;
  }
  sendJson(res, status, body);
}
