import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, type Repository } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { AppException } from '../../common/errors/app.exception';
import { isUuid } from '../tenancy/tenancy.service';
import { hashMatches, randomSecret, sha256 } from './opaque-token';
import { RefreshToken } from './refresh-token.entity';

/**
 * Rotating refresh tokens, `<id>.<secret>`, stored hashed. Every refresh retires the presented token and
 * issues the next one of the same family; presenting a retired token means it was stolen or replayed,
 * so the whole family is revoked (OAuth 2.0 Security BCP, refresh token rotation).
 */
@Injectable()
export class RefreshTokenService {
  constructor(
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async issue(userId: string, familyId: string = randomUUID()): Promise<string> {
    const secret = randomSecret();
    const row = await this.tokens.save(
      this.tokens.create({
        userId,
        familyId,
        tokenHash: sha256(secret),
        expiresAt: new Date(Date.now() + this.config.REFRESH_TTL_SEC * 1000),
        rotatedAt: null,
        revokedAt: null,
      }),
    );
    return `${row.id}.${secret}`;
  }

  /** Retires the presented token and returns the user id plus its successor. */
  async rotate(presented: string): Promise<{ userId: string; refreshToken: string }> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const row = await this.find(presented, manager.getRepository(RefreshToken), true);
      if (row.revokedAt || row.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' as const };
      if (row.rotatedAt) return { kind: 'reused' as const, familyId: row.familyId };
      await manager.update(RefreshToken, { id: row.id }, { rotatedAt: new Date() });
      return { kind: 'ok' as const, row };
    });
    if (outcome.kind === 'reused') {
      await this.revokeFamily(outcome.familyId);
      throw AppException.unauthenticated('Refresh token was already used; all sessions of this login were revoked');
    }
    if (outcome.kind === 'invalid') throw AppException.unauthenticated('Refresh token expired or revoked');
    return { userId: outcome.row.userId, refreshToken: await this.issue(outcome.row.userId, outcome.row.familyId) };
  }

  /** Logout: revokes the family of the presented token (quietly accepts unknown tokens). */
  async revoke(presented: string): Promise<void> {
    const row = await this.find(presented, this.tokens, false).catch(() => undefined);
    if (row) await this.revokeFamily(row.familyId);
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.tokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  private async find(presented: string, repo: Repository<RefreshToken>, lock: boolean): Promise<RefreshToken> {
    const [id, secret] = presented.split('.');
    if (!id || !secret || !isUuid(id)) throw AppException.unauthenticated('Malformed refresh token');
    const row = await repo.findOne({ where: { id }, lock: lock ? { mode: 'pessimistic_write' } : undefined });
    if (!row || !hashMatches(secret, row.tokenHash)) throw AppException.unauthenticated('Unknown refresh token');
    return row;
  }
}
