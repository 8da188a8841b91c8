import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a request may run mutations:
 * - granted: it sent the admin token, or the server runs in local-only mode without a token;
 * - missing-token / invalid-token: the server has a token and the request did not send it;
 * - disabled: the server has no token and is not local-only, so no request may run mutations.
 */
export type AdminAccess = 'granted' | 'missing-token' | 'invalid-token' | 'disabled';

export interface AdminPolicy {
  /** The admin token, or undefined to disable mutations (unless localOnly). */
  adminToken?: string;
  /** Allows mutations without a token; the server only accepts this on a loopback address. */
  localOnly: boolean;
}

/** Decides a request's AdminAccess from its Authorization header. */
export function resolveAdminAccess(policy: AdminPolicy, authorization: string | undefined): AdminAccess {
  if (policy.adminToken === undefined) {
    return policy.localOnly ? 'granted' : 'disabled';
  }
  const presented = parseBearerToken(authorization);
  if (presented === undefined) return 'missing-token';
  return tokensMatch(policy.adminToken, presented) ? 'granted' : 'invalid-token';
}

/** Returns the token of an `Authorization: Bearer <token>` header, or undefined. */
export function parseBearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/**
 * Compares two tokens in time independent of where they differ. Hashing first gives both
 * sides the same length, which timingSafeEqual requires, without leaking the token's length.
 */
export function tokensMatch(expected: string, presented: string): boolean {
  const expectedDigest = createHash('sha256').update(expected).digest();
  const presentedDigest = createHash('sha256').update(presented).digest();
  return timingSafeEqual(expectedDigest, presentedDigest);
}
