import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AuthService } from '../identity/auth/auth.service';
import { OrganisationsService } from '../identity/organisations/organisations.service';
import { UsersService } from '../identity/users/users.service';
import { FlowExchangeService } from '../flows/exchange/flow-exchange.service';
import type { TeamContext } from '../identity/tenancy/principal';
import { ResourcesService } from '../resources/resources.service';
import { DEMO_FLOWS_DOCUMENT, demoResources } from './demo-content';
import { ensureDemoReaderRole } from './demo-reader-role';
import { DemoServiceHost } from './demo-service-host';

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
    private readonly resources: ResourcesService,
    private readonly flows: FlowExchangeService,
    private readonly demoService: DemoServiceHost,
    @InjectDataSource() private readonly db: DataSource,
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
      await this.auth.createAccount({ email: DEMO_EMAIL, password, displayName: 'Demo User' });
      user = (await this.users.findByEmail(DEMO_EMAIL))!;
      const org = await this.orgs.create(user.id, 'Demo Org');
      const team = await this.orgs.createTeam(user.id, org.id, 'Demo Team');
      await this.seedContent({ teamId: team.id, orgId: org.id, role: 'owner', principal: { kind: 'user', userId: user.id }, userId: user.id });
    }
    const teams = await this.orgs.listMine(user.id);
    const teamList = await this.auth.me(user.id);
    console.log(
      `\n  Demo account: ${DEMO_EMAIL} / ${password}  (organisation: ${teams.map((o) => o.name).join(', ')}; ` +
        `team ids: ${teamList.teams.map((t) => `${t.name} ${t.id}`).join(', ')})\n` +
        `  Sign in:  curl -s -XPOST localhost:${this.config.PORT}/api/v1/auth/login -H 'content-type: application/json' ` +
        `-d '{"email":"${DEMO_EMAIL}","password":"${password}"}'\n` +
        `  Demo orders API (the system the example flows test): ${this.demoBaseUrl()}\n`,
    );
  }

  /** Example resources and flows; a failure here is reported, never fatal to the start. */
  private async seedContent(team: TeamContext): Promise<void> {
    try {
      const reader = await ensureDemoReaderRole(this.db, this.config.SECRETS_KEYS);
      const resources = demoResources({
        demoBaseUrl: this.demoBaseUrl(),
        databaseUrl: this.config.DATABASE_URL,
        redisUrl: this.config.REDIS_URL,
        reader,
        // Unset: where a local broker usually listens (docker compose sets DEMO_KAFKA_BROKERS=kafka:9092).
        kafkaBrokers: this.config.demoKafkaBrokers.length ? this.config.demoKafkaBrokers : ['127.0.0.1:9092'],
        prometheusUrl: this.config.DEMO_PROMETHEUS_URL,
        lokiUrl: this.config.DEMO_LOKI_URL,
      });
      for (const resource of resources) await this.resources.create(team, resource);
      await this.flows.import(team, DEMO_FLOWS_DOCUMENT, 'skip');
    } catch (error) {
      this.logger.warn(`Demo content not fully created: ${(error as Error).message}`);
    }
  }

  private demoBaseUrl(): string {
    return this.config.DEMO_BASE_URL ?? `http://127.0.0.1:${this.demoService.port ?? this.config.DEMO_PORT}`;
  }
}
