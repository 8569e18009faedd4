import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { TeamContext } from '../../identity/tenancy/principal';
import { CurrentTeam, TeamScoped } from '../../identity/tenancy/team-access.decorator';
import { EXAMPLE_JUNIT } from '../dto/suite-examples';
import { ExecutionReportDto, SuiteRunReportDto } from './report.dto';
import { SuiteReportsService } from './suite-reports.service';
import { type ExecutionRunReport, executionJUnit, type SuiteRunReport, suiteRunJUnit } from './suite-run-report';

const XML = 'application/xml; charset=utf-8';
const JUNIT_RESPONSE = {
  description: 'JUnit XML (Jenkins/Ant format; GitLab `artifacts:reports:junit`, Jenkins `junit`)',
  content: { 'application/xml': { schema: { type: 'string' }, example: EXAMPLE_JUNIT } },
} as const;

/**
 * Reports for CI. Single-execution reports live here too (same builders) rather than in the executions
 * controller, so the executions module stays free of report formats.
 */
@ApiTags('reports')
@Controller('teams/:teamId')
export class SuiteReportsController {
  constructor(private readonly reports: SuiteReportsService) {}

  @Get('suite-runs/:suiteRunId/report.json')
  @TeamScoped('viewer')
  @ApiParam({ name: 'suiteRunId', format: 'uuid' })
  @ApiOperation({ summary: 'Suite run report: counts, and per execution its status, failing step, failed assertions (actual vs expected) and step summary' })
  @ApiOkResponse({ type: SuiteRunReportDto })
  suiteRunJson(@CurrentTeam() team: TeamContext, @Param('suiteRunId') id: string): Promise<SuiteRunReport> {
    return this.reports.suiteRunReport(team.teamId, id);
  }

  @Get('suite-runs/:suiteRunId/report.xml')
  @TeamScoped('viewer')
  @Header('Content-Type', XML)
  @ApiParam({ name: 'suiteRunId', format: 'uuid' })
  @ApiProduces('application/xml')
  @ApiOperation({ summary: 'Suite run as JUnit XML: one testsuite, one testcase per flow execution (failure = assertion, error = step error, skipped = cancelled)' })
  @ApiOkResponse(JUNIT_RESPONSE)
  async suiteRunXml(@CurrentTeam() team: TeamContext, @Param('suiteRunId') id: string): Promise<string> {
    return suiteRunJUnit(await this.reports.suiteRunReport(team.teamId, id));
  }

  @Get('executions/:executionId/report.json')
  @TeamScoped('viewer')
  @ApiParam({ name: 'executionId', format: 'uuid' })
  @ApiOperation({ summary: 'Execution report: status, failing step, failed assertions (actual vs expected), step summary' })
  @ApiOkResponse({ type: ExecutionReportDto })
  executionJson(@CurrentTeam() team: TeamContext, @Param('executionId') id: string): Promise<ExecutionRunReport> {
    return this.reports.executionReport(team.teamId, id);
  }

  @Get('executions/:executionId/report.xml')
  @TeamScoped('viewer')
  @Header('Content-Type', XML)
  @ApiParam({ name: 'executionId', format: 'uuid' })
  @ApiProduces('application/xml')
  @ApiOperation({ summary: 'Execution as JUnit XML (one testsuite with one testcase)' })
  @ApiOkResponse(JUNIT_RESPONSE)
  async executionXml(@CurrentTeam() team: TeamContext, @Param('executionId') id: string): Promise<string> {
    return executionJUnit(await this.reports.executionReport(team.teamId, id));
  }
}
