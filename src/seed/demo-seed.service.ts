import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AuthService } from '../identity/auth/auth.service';
import { OrganisationsService } from '../identity/organisations/organisations.service';
import { UsersService } from '../identity/users/users.service';

export const DEMO_EMAIL = 'demo@example.com';

/**
 * Local-run convenience, only when SEED_DEMO=true: a demo user, organisation and team, created once.
 * Nothing is seeded by default, and never in production (the password is printed on the console).
 */
@Injectable()
export class DemoSeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoSeed');

  constructor(
    private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly orgs: OrganisationsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO) return;
    if (this.config.NODE_ENV === 'production') {
      this.logger.warn('SEED_DEMO is ignored in production');
      return;
    }
    const password = this.config.DEMO_PASSWORD;
    let user = await this.users.findByEmail(DEMO_EMAIL);
    if (!user) {
      await this.auth.register({ email: DEMO_EMAIL, password, displayName: 'Demo User' });
      user = (await this.users.findByEmail(DEMO_EMAIL))!;
      const org = await this.orgs.create(user.id, 'Demo Org');
      await this.orgs.createTeam(user.id, org.id, 'Demo Team');
    }
    const teams = await this.orgs.listMine(user.id);
    console.log(
      `\n  Demo account: ${DEMO_EMAIL} / ${password}  (organisation: ${teams.map((o) => o.name).join(', ')})\n` +
        `  Sign in:  curl -s -XPOST localhost:${this.config.PORT}/api/v1/auth/login -H 'content-type: application/json' ` +
        `-d '{"email":"${DEMO_EMAIL}","password":"${password}"}'\n`,
    );
  }
}
