/**
 * Time budget of one attempt of a step without its own `timeoutMs`. A leaf file: the engine enforces
 * it, and the flows module's save-time worst-case check counts with it.
 */
export const DEFAULT_STEP_TIMEOUT_MS = 30_000;
