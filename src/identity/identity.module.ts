import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { ApiKey } from './api-keys/api-key.entity';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AccessTokenService, accessTokenJwtOptions } from './auth/access-token.service';
import { AuthService } from './auth/auth.service';
import { LoginRateLimiter } from './auth/login-rate-limiter';
import { RefreshToken } from './auth/refresh-token.entity';
import { RefreshTokenService } from './auth/refresh-token.service';
import { OrgMembership } from './organisations/org-membership.entity';
import { Organisation } from './organisations/organisation.entity';
import { OrganisationsService } from './organisations/organisations.service';
import { MembersService } from './teams/members.service';
import { Team } from './teams/team.entity';
import { TeamMembership } from './teams/team-membership.entity';
import { TeamsService } from './teams/teams.service';
import { AuthenticationGuard } from './tenancy/authentication.guard';
import { TeamAccessGuard } from './tenancy/team-access.guard';
import { TeamAccessRevocations } from './tenancy/team-access-revocations';
import { TenancyService } from './tenancy/tenancy.service';
import { UsersService } from './users/users.service';
import { User } from './users/user.entity';

/**
 * Users, organisations, teams, memberships, tokens and API keys. Other modules use only the exported
 * guards and TenancyService (through @TeamScoped / @CurrentTeam) — never these entities.
 */
@Module({
  imports: [
    JwtModule.registerAsync({ inject: [AppConfig], useFactory: accessTokenJwtOptions }),
    TypeOrmModule.forFeature([User, Organisation, OrgMembership, Team, TeamMembership, RefreshToken, ApiKey]),
  ],
  providers: [
    UsersService,
    AccessTokenService,
    RefreshTokenService,
    LoginRateLimiter,
    AuthService,
    ApiKeysService,
    OrganisationsService,
    TeamsService,
    MembersService,
    TenancyService,
    TeamAccessRevocations,
    TeamAccessGuard,
    AuthenticationGuard,
  ],
  exports: [
    TenancyService,
    TeamAccessRevocations,
    TeamAccessGuard,
    AuthenticationGuard,
    AuthService,
    ApiKeysService,
    OrganisationsService,
    TeamsService,
    MembersService,
    UsersService,
  ],
})
export class IdentityModule {}
