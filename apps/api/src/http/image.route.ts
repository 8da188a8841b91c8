import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { encodePng } from '@dim/dataset';
import type { PrismaClient } from '@dim/db';

import { ApiErrorCode } from '../errors/error-code';
import { sendError } from './responses';

/** Path pattern of the PNG route, /images/<id>.png. */
export const IMAGE_PATH = /^\/images\/([^/]+)\.png$/;

/** Largest id the route accepts: images.id is a PostgreSQL integer. */
const MAX_IMAGE_ID = 2 ** 31 - 1;

/**
 * An image's pixels never change once registered, so browsers may keep the PNG for a year
 * without asking again. The ETag is a hash of the pixels, so a client whose cached copy came
 * from an earlier database with the same id still gets the new image on revalidation.
 */
const CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** Serves GET and HEAD /images/<id>.png from the stored pixels, with ETag revalidation. */
export async function handleImageRequest(
  db: PrismaClient,
  req: IncomingMessage,
  res: ServerResponse,
  idText: string,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendError(res, 405, ApiErrorCode.METHOD_NOT_ALLOWED, `Method ${req.method} is not allowed on image URLs; use GET.`);
    return;
  }

  const id = Number(idText);
  if (!/^\d+$/.test(idText) || id < 1 || id > MAX_IMAGE_ID) {
    sendError(res, 400, ApiErrorCode.BAD_USER_INPUT, `Invalid image id "${idText}": expected an integer from 1 to ${MAX_IMAGE_ID}.`);
    return;
  }

  const image = await db.image.findUnique({
    where: { id },
    select: { pixels: true, dataset: { select: { height: true, width: true, channels: true } } },
  });
  if (!image) {
    sendError(res, 404, ApiErrorCode.NOT_FOUND, `Image ${id} not found.`);
    return;
  }

  const etag = `"${createHash('sha256').update(image.pixels).digest('base64url').slice(0, 27)}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', CACHE_CONTROL);
  if (matchesEtag(req.headers['if-none-match'], etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }

  const { height, width, channels } = image.dataset;
  const png = encodePng(image.pixels, height, width, channels);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'image/png');
  res.setHeader('Content-Length', png.length);
  res.end(req.method === 'HEAD' ? undefined : png);
}

/** Checks an If-None-Match header: "*" or a comma-separated list of ETags, possibly weak (W/"..."). */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}
