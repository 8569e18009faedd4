import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when an Authorization header carries exactly `Bearer <expected>`. Both sides are hashed first so
 * the comparison is constant-time whatever the lengths (timingSafeEqual needs equal lengths, and an
 * early length check would tell an attacker the token's length).
 */
export function bearerTokenMatches(header: string | undefined, expected: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const given = createHash('sha256').update(match?.[1] ?? '').digest();
  return timingSafeEqual(given, createHash('sha256').update(expected).digest()) && match !== null;
}
