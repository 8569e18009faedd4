import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppException } from '../../common/errors/app.exception';
import { UsersService } from '../users/users.service';
import { AccessTokenService } from './access-token.service';
import type { LoginDto, MeDto, RegisterDto, RegisteredDto, TokenPairDto } from './dto/auth.dto';
import { LoginRateLimiter } from './login-rate-limiter';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './password-hasher';
import { RefreshTokenService } from './refresh-token.service';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokenService,
    private readonly refreshTokens: RefreshTokenService,
    private readonly limiter: LoginRateLimiter,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Answers the same whether or not the email is taken, after the same work (the hash is computed
   * either way), so registration cannot tell which emails have accounts. Hence no tokens here: the
   * client signs in with POST /auth/login, which only the account's owner can.
   */
  async register(dto: RegisterDto, ip: string): Promise<RegisteredDto> {
    await this.limiter.hitRegistration(ip);
    await this.createAccount(dto);
    return { email: dto.email, message: 'Registration received; sign in with POST /api/v1/auth/login' };
  }

  /** Creates the account unless the email is taken (then nothing changes). Not rate-limited: for trusted callers (the demo seed). */
  async createAccount(dto: RegisterDto): Promise<void> {
    await this.users.createIfAbsent(dto.email, dto.displayName, await hashPassword(dto.password));
  }

  async login(dto: LoginDto, ip: string): Promise<TokenPairDto> {
    await this.limiter.hit(dto.email, ip);
    const user = await this.users.findByEmailWithHash(dto.email);
    // Verify against a dummy hash for unknown emails so the response time does not reveal accounts.
    const ok = await verifyPassword(dto.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!user || !ok) throw AppException.unauthenticated('Wrong email or password');
    await this.limiter.reset(dto.email);
    return this.tokensFor(user.id);
  }

  async refresh(refreshToken: string): Promise<TokenPairDto> {
    const rotated = await this.refreshTokens.rotate(refreshToken);
    await this.users.get(rotated.userId);
    return { ...this.accessTokens.issue(rotated.userId), refreshToken: rotated.refreshToken, tokenType: 'Bearer' };
  }

  logout(refreshToken: string): Promise<void> {
    return this.refreshTokens.revoke(refreshToken);
  }

  async me(userId: string): Promise<MeDto> {
    const user = await this.users.get(userId);
    const organisations = await this.dataSource.query(
      `SELECT o.id, o.name, m.role FROM organisations o JOIN org_memberships m ON m.org_id = o.id WHERE m.user_id = $1 ORDER BY o.name`,
      [userId],
    );
    const teams = await this.dataSource.query(
      `SELECT t.id, t.name, t.org_id AS "orgId", m.role FROM teams t JOIN team_memberships m ON m.team_id = t.id WHERE m.user_id = $1 ORDER BY t.name`,
      [userId],
    );
    return { id: user.id, email: user.email, displayName: user.displayName, organisations, teams };
  }

  private async tokensFor(userId: string): Promise<TokenPairDto> {
    return { ...this.accessTokens.issue(userId), refreshToken: await this.refreshTokens.issue(userId), tokenType: 'Bearer' };
  }
}
