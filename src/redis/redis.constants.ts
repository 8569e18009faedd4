/** The shared command connection (rate limits, locks, caches). Subscribers get their own connections. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
