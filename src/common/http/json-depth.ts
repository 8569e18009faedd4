import type { IncomingMessage } from 'node:http';

export const MAX_JSON_DEPTH = 64;

/**
 * body-parser `verify` hook: refuses JSON nested deeper than MAX_JSON_DEPTH before it is parsed.
 * class-transformer recurses once per level, so a deeply nested body would otherwise overflow the
 * stack (a 500) long before validation could name the field.
 */
export function verifyJsonDepth(_req: IncomingMessage, _res: unknown, buf: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++; // skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) {
        throw Object.assign(new Error(`body: JSON nested deeper than ${MAX_JSON_DEPTH} levels`), { status: 400, statusCode: 400, expose: true });
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}
