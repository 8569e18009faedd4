import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { Observable } from 'rxjs';
import { AppException } from '../../common/errors/app.exception';
import { AppConfig } from '../../config/app-config';
import { REDIS_CLIENT } from '../../redis/redis.constants';
import { RedisChannelSubscriber } from '../../redis/redis-channel-subscriber';
import { RedisFactory } from '../../redis/redis.factory';
import type { Principal, TeamContext } from './principal';
import { TenancyService } from './tenancy.service';

/** Published when someone may have lost access to a team: every API instance re-checks its streams. */
interface AccessRevoked {
  teamId: string;
  userId: string;
}

interface Watcher {
  principal: Principal;
  onLost: () => void;
}

/**
 * Closes live streams (Socket.IO and SSE) of people who lost access to a team. A stream is authorised
 * once, when it opens; a membership removal is published on a Redis channel that every API instance
 * subscribes to, and each instance re-checks — with the normal tenancy rules, so an org admin who
 * leaves the team but still sees it through the org keeps watching — the streams of that user (and of
 * the API keys they created) in that team, and closes those that no longer pass.
 */
@Injectable()
export class TeamAccessRevocations implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TeamAccessRevocations.name);
  private readonly watchers = new Map<string, Set<Watcher>>();
  private stopListening?: () => void;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly redisFactory: RedisFactory,
    private readonly channels: RedisChannelSubscriber,
    private readonly tenancy: TenancyService,
    private readonly config: AppConfig,
  ) {}

  private get channel(): string {
    return this.redisFactory.key('identity', 'team-access-revoked');
  }

  async onModuleInit(): Promise<void> {
    if (!this.config.isApi) return; // only API instances hold streams
    this.stopListening = await this.channels.listen([this.channel], (_channel, message) => void this.recheck(JSON.parse(message) as AccessRevoked));
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }

  /** After the membership change is committed. A lost message leaves a stream open only until it ends: logged, not thrown. */
  async publish(teamId: string, userId: string): Promise<void> {
    const event: AccessRevoked = { teamId, userId };
    await this.redis.publish(this.channel, JSON.stringify(event)).catch((error: Error) => {
      this.logger.warn(`Could not announce the loss of team access (${teamId}, ${userId}): ${error.message}`);
    });
  }

  /** Calls `onLost` once if the principal can no longer view the team; returns the function that stops watching. */
  watch(principal: Principal, teamId: string, onLost: () => void): () => void {
    const watcher: Watcher = { principal, onLost };
    let set = this.watchers.get(teamId);
    if (!set) this.watchers.set(teamId, (set = new Set()));
    set.add(watcher);
    return () => {
      set.delete(watcher);
      if (set.size === 0 && this.watchers.get(teamId) === set) this.watchers.delete(teamId);
    };
  }

  /** Emits (and completes) when the team's caller loses access: for `takeUntil` on an SSE stream. */
  lost(team: TeamContext): Observable<void> {
    return new Observable<void>((subscriber) =>
      this.watch(team.principal, team.teamId, () => {
        subscriber.next();
        subscriber.complete();
      }),
    );
  }

  private async recheck({ teamId, userId }: AccessRevoked): Promise<void> {
    const watchers = [...(this.watchers.get(teamId) ?? [])].filter((w) => actingUser(w.principal) === userId);
    for (const watcher of watchers) {
      // Only a refusal closes the stream; a failed lookup (database hiccup) leaves it as it is.
      const stillAllowed = await this.tenancy.resolveTeam(watcher.principal, teamId, 'viewer').then(
        () => true,
        (error: unknown) => !(error instanceof AppException),
      );
      if (stillAllowed || !this.watchers.get(teamId)?.delete(watcher)) continue;
      if (this.watchers.get(teamId)?.size === 0) this.watchers.delete(teamId);
      watcher.onLost();
    }
  }
}

/** Whose access a principal stands on: the user, or the member who created the API key. */
function actingUser(principal: Principal): string | null {
  return principal.kind === 'user' ? principal.userId : principal.createdBy;
}
