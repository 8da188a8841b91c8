import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

import { DownloadError } from './errors';

export interface DownloadOptions {
  /** http(s) URL. Redirects are followed (fetch's limit of 20). */
  readonly url: string;
  /** Final path. It appears only once the whole body is written and verified. */
  readonly destination: string;
  /** Expected MD5 of the body as 32 hex digits. Skipped when absent. */
  readonly md5?: string;
  /** Abort when no bytes arrive for this long, in milliseconds. Default 60,000. */
  readonly idleTimeoutMs?: number;
  /** Called after each received chunk; `totalBytes` is undefined without Content-Length. */
  readonly onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
}

const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * Downloads `url` to `destination` atomically. The body goes to a temporary file in the
 * same folder (so the final rename stays on one file system), is checked against the
 * Content-Length and MD5, flushed to disk, and only then renamed into place. On any
 * failure the temporary file is deleted, so `destination` is either absent, its old
 * contents, or the complete verified file.
 */
export async function downloadFile(options: DownloadOptions): Promise<void> {
  const { url, destination } = options;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const expectedMd5 = options.md5?.toLowerCase();
  if (expectedMd5 !== undefined && !/^[0-9a-f]{32}$/.test(expectedMd5)) {
    throw new RangeError(`Invalid MD5 "${options.md5}" for ${url}: expected 32 hex digits.`);
  }

  await mkdir(path.dirname(destination), { recursive: true });
  const temporary = `${destination}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  const abort = new AbortController();
  let idleTimer: NodeJS.Timeout | undefined;
  const restartIdleTimer = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => abort.abort(new Error(`no data for ${idleTimeoutMs} ms`)), idleTimeoutMs);
  };

  const file = await open(temporary, 'wx');
  try {
    restartIdleTimer();
    let response: Response;
    try {
      response = await fetch(url, { redirect: 'follow', signal: abort.signal });
    } catch (error) {
      throw new DownloadError(url, `Download of ${url} failed: ${describeFetchError(error)}. Check the URL and the network connection.`, { cause: error });
    }
    if (!response.ok || response.body === null) {
      const via = response.url && response.url !== url ? ` (redirected to ${response.url})` : '';
      throw new DownloadError(
        url,
        `Download of ${url}${via} failed: HTTP ${response.status} ${response.statusText}. Check the URL, or download the file by hand to ${destination}.`,
      );
    }

    const lengthHeader = response.headers.get('content-length');
    const totalBytes = lengthHeader === null ? undefined : Number(lengthHeader);
    const hash = createHash('md5');
    let receivedBytes = 0;
    try {
      // DOM typings of fetch lack async iteration, so go through Node's stream adapter.
      for await (const value of Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>)) {
        const chunk = value as Buffer;
        restartIdleTimer();
        hash.update(chunk);
        await file.write(chunk);
        receivedBytes += chunk.byteLength;
        options.onProgress?.(receivedBytes, totalBytes);
      }
    } catch (error) {
      throw new DownloadError(
        url,
        `Download of ${url} failed after ${receivedBytes} bytes: ${describeFetchError(error)}. Run the download again.`,
        { cause: error },
      );
    }

    if (totalBytes !== undefined && receivedBytes !== totalBytes) {
      throw new DownloadError(url, `Download of ${url} is incomplete: expected ${totalBytes} bytes (Content-Length), received ${receivedBytes}. Run the download again.`);
    }
    const actualMd5 = hash.digest('hex');
    if (expectedMd5 !== undefined && actualMd5 !== expectedMd5) {
      throw new DownloadError(
        url,
        `Download of ${url} has MD5 ${actualMd5}, expected ${expectedMd5} (${receivedBytes} bytes received). ` +
          'The file is corrupt or the URL serves a different file; run the download again or check the URL.',
      );
    }

    // Flush before the rename: otherwise a crash could leave a renamed but empty file.
    await file.sync();
    await file.close();
    await rename(temporary, destination);
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  } finally {
    clearTimeout(idleTimer);
  }
}

/**
 * Returns the most specific message of a fetch failure: undici wraps the socket error
 * (ECONNREFUSED, ECONNRESET...) in `cause`. Checked by shape rather than instanceof,
 * because errors raised by Node's bundled fetch can come from another realm.
 */
function describeFetchError(error: unknown): string {
  const message = errorMessage(error);
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (cause === undefined) return message;
  const code = (cause as { code?: unknown }).code;
  const causeMessage = errorMessage(cause) || String(code ?? '');
  return causeMessage ? `${message} (${causeMessage})` : message;
}

function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}
