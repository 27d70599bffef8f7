/**
 * Reading a JSON request body with a size limit: a body over the limit is
 * refused with 413 before it is all read, a body that is not JSON with 400.
 */
import type { IncomingMessage } from 'node:http';

export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export class BodyError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message);
  }
}

export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) {
    req.resume();
    throw new BodyError(`request body is over ${limit} bytes`, 413);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw new BodyError(`request body is over ${limit} bytes`, 413);
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf-8');
  if (text.trim() === '') {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BodyError(`request body is not JSON: ${(err as Error).message}`, 400);
  }
}
