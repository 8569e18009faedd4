import type { ResolvedResource } from '../steps/step-plugin';

interface CachedResource {
  teamId: string;
  resource: ResolvedResource;
  expiresAt: number;
}

/**
 * Decrypted resources by id, for workers that resolve the same resource for every step. Entries are
 * invalidated by change notifications; the TTL only bounds staleness when a notification is lost
 * (Redis down while publishing). A load that started before an invalidation is not cached, so a slow
 * read cannot put an old version back after the notification passed.
 */
export class ResolvedResourceCache {
  private readonly entries = new Map<string, CachedResource>();
  private epoch = 0;

  constructor(private readonly ttlMs: number) {}

  get(teamId: string, resourceId: string): ResolvedResource | undefined {
    const entry = this.entries.get(resourceId);
    if (!entry || entry.teamId !== teamId) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(resourceId);
      return undefined;
    }
    return entry.resource;
  }

  /** Loads through the cache; concurrent invalidations make the result uncacheable (but still returned). */
  async load(teamId: string, resourceId: string, loader: () => Promise<ResolvedResource>): Promise<ResolvedResource> {
    const cached = this.get(teamId, resourceId);
    if (cached) return cached;
    const epoch = this.epoch;
    const resource = await loader();
    if (epoch === this.epoch) this.entries.set(resourceId, { teamId, resource, expiresAt: Date.now() + this.ttlMs });
    return resource;
  }

  invalidate(resourceId: string): void {
    this.epoch++;
    this.entries.delete(resourceId);
  }

  /** Forgets everything; returns the ids that were cached. */
  clear(): string[] {
    this.epoch++;
    const ids = [...this.entries.keys()];
    this.entries.clear();
    return ids;
  }
}
