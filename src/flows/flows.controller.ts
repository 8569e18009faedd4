import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { AppException } from '../common/errors/app.exception';
import type { TeamContext } from '../identity/tenancy/principal';
import { CurrentTeam, TeamScoped } from '../identity/tenancy/team-access.decorator';
import { FlowDefinitionDto, UpdateFlowDto } from './dto/flow-definition.dto';
import { EXAMPLE_FLOW_DEFINITION } from './dto/flow-example';
import { DiffQueryDto, ListFlowsQueryDto, PageQueryDto } from './dto/flow-queries.dto';
import {
  FlowDiffDto,
  FlowDto,
  FlowPageDto,
  FlowValidationErrorDto,
  FlowValidationResultDto,
  FlowVersionDto,
  FlowVersionPageDto,
} from './dto/flow.dto';
import { FlowsService } from './flows.service';
import { invalidFlow } from '../flow-language/flow-problem';

const FLOW_ID = { name: 'flowId', format: 'uuid' } as const;
const VERSION = { name: 'version', type: Number, example: 1 } as const;
const INVALID = { type: FlowValidationErrorDto, description: 'Invalid definition: `details.problems[]` = `{ pointer, field, message }`, pointers like `/steps/2/config/topic`' };

/*
 * Bodies are declared `unknown` on purpose: FlowsService validates them against the DTO classes itself
 * (validateShape) so that shape, plugin and reference problems are reported together with JSON pointers.
 * Swagger still shows the DTO through @ApiBody.
 */
@ApiTags('flows')
@Controller('teams/:teamId/flows')
export class FlowsController {
  constructor(private readonly flows: FlowsService) {}

  @Get()
  @TeamScoped('viewer')
  @ApiOperation({ summary: 'Search flows (name substring, tag, step type), paginated and sorted' })
  @ApiOkResponse({ type: FlowPageDto })
  list(@CurrentTeam() team: TeamContext, @Query() query: ListFlowsQueryDto): Promise<FlowPageDto> {
    return this.flows.list(team.teamId, query);
  }

  @Post()
  @TeamScoped('editor')
  @ApiOperation({ summary: 'Create a flow (version 1)' })
  @ApiBody({ type: FlowDefinitionDto, examples: { kafkaOrderFlow: { summary: 'HTTP in, row in Postgres, event on Kafka', value: EXAMPLE_FLOW_DEFINITION } } })
  @ApiCreatedResponse({ type: FlowDto })
  @ApiBadRequestResponse(INVALID)
  @ApiConflictResponse({ description: 'A flow with this name exists in the team' })
  create(@CurrentTeam() team: TeamContext, @Body() body: unknown): Promise<FlowDto> {
    return this.flows.create(team, body);
  }

  @Post('validate')
  @TeamScoped('viewer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Dry run: validate a flow definition without saving it (name uniqueness is not checked)' })
  @ApiBody({ type: FlowDefinitionDto, examples: { kafkaOrderFlow: { summary: 'A valid flow', value: EXAMPLE_FLOW_DEFINITION } } })
  @ApiOkResponse({ type: FlowValidationResultDto, description: 'The definition is valid' })
  @ApiBadRequestResponse(INVALID)
  async validate(@CurrentTeam() team: TeamContext, @Body() body: unknown): Promise<FlowValidationResultDto> {
    const { problems } = await this.flows.validateDefinition(team.teamId, body);
    if (problems.length) throw invalidFlow(problems);
    return { valid: true, problems: [] };
  }

  @Get(':flowId')
  @TeamScoped('viewer')
  @ApiParam(FLOW_ID)
  @ApiOperation({ summary: 'A flow with its latest version' })
  @ApiOkResponse({ type: FlowDto })
  get(@CurrentTeam() team: TeamContext, @Param('flowId') flowId: string): Promise<FlowDto> {
    return this.flows.get(team.teamId, flowId);
  }

  @Patch(':flowId')
  @TeamScoped('editor')
  @ApiParam(FLOW_ID)
  @ApiOperation({
    summary: 'Edit a flow',
    description: 'Changed `variables` or `steps` create a new immutable version; `name`, `description` and `tags` change the flow only.',
  })
  @ApiBody({ type: UpdateFlowDto })
  @ApiOkResponse({ type: FlowDto })
  @ApiBadRequestResponse(INVALID)
  @ApiConflictResponse({ description: 'Name taken, or `baseVersion` is not the latest version' })
  update(@CurrentTeam() team: TeamContext, @Param('flowId') flowId: string, @Body() body: unknown): Promise<FlowDto> {
    return this.flows.update(team, flowId, body);
  }

  @Delete(':flowId')
  @TeamScoped('editor')
  @HttpCode(204)
  @ApiParam(FLOW_ID)
  @ApiOperation({ summary: 'Delete a flow (soft: past executions keep their version; the name becomes free)' })
  @ApiNoContentResponse()
  delete(@CurrentTeam() team: TeamContext, @Param('flowId') flowId: string): Promise<void> {
    return this.flows.delete(team.teamId, flowId);
  }

  @Get(':flowId/versions')
  @TeamScoped('viewer')
  @ApiParam(FLOW_ID)
  @ApiOperation({ summary: 'Versions of a flow, newest first' })
  @ApiOkResponse({ type: FlowVersionPageDto })
  listVersions(@CurrentTeam() team: TeamContext, @Param('flowId') flowId: string, @Query() query: PageQueryDto): Promise<FlowVersionPageDto> {
    return this.flows.listVersions(team.teamId, flowId, query.page, query.pageSize);
  }

  @Get(':flowId/versions/:version')
  @TeamScoped('viewer')
  @ApiParam(FLOW_ID)
  @ApiParam(VERSION)
  @ApiOperation({ summary: 'One immutable version' })
  @ApiOkResponse({ type: FlowVersionDto })
  getVersion(@CurrentTeam() team: TeamContext, @Param('flowId') flowId: string, @Param('version') version: string): Promise<FlowVersionDto> {
    return this.flows.getVersion(team.teamId, flowId, parseVersion(version));
  }

  @Post(':flowId/versions/:version/restore')
  @TeamScoped('editor')
  @HttpCode(200)
  @ApiParam(FLOW_ID)
  @ApiParam(VERSION)
  @ApiOperation({
    summary: 'Make an old version the newest',
    description: 'Creates version latest+1 with the variables and steps of `version` (validated against today\'s plugins and resources).',
  })
  @ApiOkResponse({ type: FlowDto })
  @ApiBadRequestResponse(INVALID)
  restore(@CurrentTeam() team: TeamContext, @Param('flowId') flowId: string, @Param('version') version: string): Promise<FlowDto> {
    return this.flows.restore(team, flowId, parseVersion(version));
  }

  @Get(':flowId/diff')
  @TeamScoped('viewer')
  @ApiParam(FLOW_ID)
  @ApiOperation({ summary: 'Differences between two versions: steps added, removed, changed, moved; variables changed' })
  @ApiOkResponse({ type: FlowDiffDto })
  diff(@CurrentTeam() team: TeamContext, @Param('flowId') flowId: string, @Query() query: DiffQueryDto): Promise<FlowDiffDto> {
    return this.flows.diff(team.teamId, flowId, query.from, query.to);
  }
}

function parseVersion(raw: string): number {
  if (!/^[1-9]\d{0,8}$/.test(raw)) throw AppException.validation([{ field: 'version', message: 'version must be a positive integer' }]);
  return Number(raw);
}
