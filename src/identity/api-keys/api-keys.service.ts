import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { AppException } from '../../common/errors/app.exception';
import { hashMatches, randomSecret, sha256 } from '../auth/opaque-token';
import type { Principal, TeamContext } from '../tenancy/principal';
import { hasTeamRole, type ApiKeyRole } from '../tenancy/roles';
import { isUuid } from '../tenancy/tenancy.service';
import { ApiKey } from './api-key.entity';

const KEY_PATTERN = /^ats_([a-f0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** Team API keys for CI pipelines: `ats_<prefix>_<secret>`, shown once, stored as SHA-256. */
@Injectable()
export class ApiKeysService {
  constructor(@InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>) {}

  static looksLikeKey(credential: string): boolean {
    return credential.startsWith('ats_');
  }

  async create(team: TeamContext, name: string, role: ApiKeyRole): Promise<{ key: ApiKey; secret: string }> {
    // A caller cannot mint a key stronger than itself.
    if (!hasTeamRole(team.role, role)) throw AppException.forbidden(`role: you cannot create a key with the ${role} role`);
    // A key created by a key answers to the same person: the creator of the creating key.
    const createdBy = team.principal.kind === 'apiKey' ? team.principal.createdBy : team.userId;
    const prefix = randomBytes(6).toString('hex');
    const secret = `ats_${prefix}_${randomSecret()}`;
    const key = await this.keys.save(
      this.keys.create({ teamId: team.teamId, name, role, keyPrefix: prefix, keyHash: sha256(secret), createdBy }),
    );
    return { key, secret };
  }

  list(teamId: string): Promise<ApiKey[]> {
    return this.keys.find({ where: { teamId }, order: { createdAt: 'DESC' } });
  }

  async revoke(teamId: string, keyId: string): Promise<void> {
    const key = isUuid(keyId) ? await this.keys.findOne({ where: { id: keyId, teamId } }) : null;
    if (!key) throw AppException.notFound('API key');
    if (!key.revokedAt) await this.keys.update({ id: key.id }, { revokedAt: new Date() });
  }

  async authenticate(credential: string): Promise<Principal> {
    const match = KEY_PATTERN.exec(credential);
    if (!match) throw AppException.unauthenticated('Malformed API key');
    const key = await this.keys
      .createQueryBuilder('k')
      .addSelect('k.keyHash')
      .where('k.keyPrefix = :prefix', { prefix: match[1] })
      .getOne();
    if (!key || key.revokedAt || !hashMatches(credential, key.keyHash)) throw AppException.unauthenticated('Invalid or revoked API key');
    // Recording use must not slow the request or fail it; a lost timestamp update is harmless.
    void this.keys.update({ id: key.id, revokedAt: IsNull() }, { lastUsedAt: new Date() }).catch(() => undefined);
    return { kind: 'apiKey', keyId: key.id, teamId: key.teamId, role: key.role, createdBy: key.createdBy };
  }
}
