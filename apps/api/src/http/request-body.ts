import type { IncomingMessage } from 'node:http';

/** A request body that could not be read. `status` is the HTTP status of the error response. */
export class RequestBodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RequestBodyError';
  }
}

/**
 * Reads a JSON request body of at most `maxBytes`. Returns undefined for a request without a
 * JSON content type, which Apollo Server then rejects with its own message.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    throw new RequestBodyError(413, `Request body of ${declared} bytes exceeds the maximum of ${maxBytes} bytes.`);
  }

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      throw new RequestBodyError(413, `Request body exceeds the maximum of ${maxBytes} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }

  const contentType = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(contentType) || size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new RequestBodyError(400, `Invalid JSON in the request body: ${(error as Error).message}`);
  }
}
