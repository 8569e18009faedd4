import type { RequestHandler } from 'express';
import { raw } from 'express';

/** Route of the inbound alert hook, under the API prefix. */
export const TRIGGER_HOOK_ROUTE = 'hooks/:triggerId';

/** Alertmanager batches a group's alerts in one call; 1 MB holds hundreds of them. */
export const TRIGGER_HOOK_BODY_LIMIT = '1mb';

/**
 * The hook's body arrives as raw bytes whatever its content type: an HMAC signature is over exactly
 * those bytes, which re-serialised JSON would not reproduce. Mounted before the app-wide parsers,
 * which then leave the already-read body alone; above the limit body-parser answers 413.
 */
export function triggerHookBodyParser(): RequestHandler {
  return raw({ type: () => true, limit: TRIGGER_HOOK_BODY_LIMIT });
}
