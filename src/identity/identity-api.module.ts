import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuthController } from './auth/auth.controller';
import { IdentityModule } from './identity.module';
import { OrganisationsController } from './organisations/organisations.controller';
import { MembersController } from './teams/members.controller';
import { TeamsController } from './teams/teams.controller';
import { AuthenticationGuard } from './tenancy/authentication.guard';

/** HTTP surface of identity, loaded only in api/all mode; installs authentication as a global guard. */
@Module({
  imports: [IdentityModule],
  controllers: [AuthController, OrganisationsController, TeamsController, MembersController, ApiKeysController],
  providers: [{ provide: APP_GUARD, useExisting: AuthenticationGuard }],
})
export class IdentityApiModule {}
