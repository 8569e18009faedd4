import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { TeamsService } from '../../identity/teams/teams.service';
import { ExecutionsService } from '../executions.service';
import { TeamRunRateLimiter } from '../team-run-rate-limiter';
import type { TeamUsageDto } from './dto/team-usage.dto';

/**
 * A team's usage against its fair-share limits. Two statements (the team's limits; its executions'
 * counts and stored bytes) and one Redis read of the run-rate window, all at once; nothing is counted
 * or changed by asking.
 */
@Injectable()
export class TeamUsageService {
  constructor(
    private readonly teams: TeamsService,
    private readonly executions: ExecutionsService,
    private readonly runRate: TeamRunRateLimiter,
    private readonly config: AppConfig,
  ) {}

  async usage(teamId: string): Promise<TeamUsageDto> {
    const [limits, load, window] = await Promise.all([this.teams.limitsOf(teamId), this.executions.loadOfTeam(teamId), this.runRate.current(teamId)]);
    return {
      running: load.running,
      waiting: load.waiting,
      limit: limits.concurrencyLimit,
      runsInWindow: window.runs,
      runRateLimit: this.config.TEAM_RUN_RATE_PER_MIN,
      runRateWindowSec: this.runRate.windowSec,
      runRateResetsInSec: window.resetsInSec,
      storedBytes: load.storedBytes,
      retentionDays: limits.retentionDays,
    };
  }
}
