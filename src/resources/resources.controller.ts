import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { TeamContext } from '../identity/tenancy/principal';
import { CurrentTeam, TeamScoped } from '../identity/tenancy/team-access.decorator';
import { CreateResourceDto } from './dto/create-resource.dto';
import { ListResourcesQueryDto } from './dto/list-resources-query.dto';
import { ConnectionTestResultDto, ResourceDto, ResourcePageDto } from './dto/resource.dto';
import { ConnectionTestQueryDto, TestResourceConfigDto } from './dto/test-resource-config.dto';
import { UpdateResourceDto } from './dto/update-resource.dto';
import { ResourcesService } from './resources.service';

const RESOURCE_ID = ApiParam({ name: 'resourceId', format: 'uuid' });
const VALIDATION = ApiBadRequestResponse({
  description: 'Invalid input; `details.problems[]` names each field, e.g. `config.port`',
  schema: {
    example: {
      statusCode: 400,
      code: 'VALIDATION',
      message: 'config.port: port must not be greater than 65535',
      details: { problems: [{ field: 'config.port', message: 'port must not be greater than 65535' }] },
      requestId: '6f1e…',
    },
  },
});

/**
 * Team resources. The request body of create and of the unsaved-config test is a union over the
 * registered types; its OpenAPI schema is added from the registry (see resource-type-swagger.ts).
 */
@ApiTags('resources')
@Controller('teams/:teamId/resources')
export class ResourcesController {
  constructor(private readonly resources: ResourcesService) {}

  @Get()
  @TeamScoped('viewer')
  @ApiOperation({ summary: 'List the team’s resources, filtered and paginated (secrets never included)' })
  @ApiOkResponse({ type: ResourcePageDto })
  @VALIDATION
  list(@CurrentTeam() team: TeamContext, @Query() query: ListResourcesQueryDto): Promise<ResourcePageDto> {
    return this.resources.list(team.teamId, query);
  }

  @Post()
  @TeamScoped('editor')
  @ApiOperation({ summary: 'Create a resource; its secret fields are encrypted and never returned' })
  @ApiCreatedResponse({ type: ResourceDto })
  @VALIDATION
  @ApiConflictResponse({ description: 'A resource with this name already exists in the team' })
  create(@CurrentTeam() team: TeamContext, @Body() dto: CreateResourceDto): Promise<ResourceDto> {
    return this.resources.create(team, dto);
  }

  @Post('test')
  @TeamScoped('editor')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Test an unsaved config by opening a real connection',
    description: 'Always 200 once the config is valid: `ok` tells the outcome, `error` carries the driver’s message. Bounded by `timeoutMs`.',
  })
  @ApiOkResponse({ type: ConnectionTestResultDto })
  @VALIDATION
  testUnsaved(@CurrentTeam() team: TeamContext, @Body() dto: TestResourceConfigDto, @Query() query: ConnectionTestQueryDto): Promise<ConnectionTestResultDto> {
    return this.resources.testUnsaved(team.teamId, dto, query.timeoutMs);
  }

  @Get(':resourceId')
  @TeamScoped('viewer')
  @RESOURCE_ID
  @ApiOkResponse({ type: ResourceDto })
  get(@CurrentTeam() team: TeamContext, @Param('resourceId') resourceId: string): Promise<ResourceDto> {
    return this.resources.get(team.teamId, resourceId);
  }

  @Patch(':resourceId')
  @TeamScoped('editor')
  @RESOURCE_ID
  @ApiOperation({
    summary: 'Update a resource (bumps its version)',
    description: '`config`, when given, replaces the config; secret fields omitted from it keep their stored values, `null` clears them.',
  })
  @ApiOkResponse({ type: ResourceDto })
  @VALIDATION
  @ApiConflictResponse({ description: 'Name taken in the team' })
  update(@CurrentTeam() team: TeamContext, @Param('resourceId') resourceId: string, @Body() dto: UpdateResourceDto): Promise<ResourceDto> {
    return this.resources.update(team.teamId, resourceId, dto);
  }

  @Delete(':resourceId')
  @TeamScoped('editor')
  @HttpCode(204)
  @RESOURCE_ID
  @ApiOperation({ summary: 'Delete a resource; refused while flows use it' })
  @ApiNoContentResponse()
  @ApiConflictResponse({
    description: 'Flows use the resource; `details.flows` names them',
    schema: { example: { statusCode: 409, code: 'CONFLICT', message: 'Resource "orders-db" is used by flow "checkout happy path"; change them first', details: { flows: ['checkout happy path'] } } },
  })
  delete(@CurrentTeam() team: TeamContext, @Param('resourceId') resourceId: string): Promise<void> {
    return this.resources.delete(team.teamId, resourceId);
  }

  @Post(':resourceId/test')
  @TeamScoped('editor')
  @HttpCode(200)
  @RESOURCE_ID
  @ApiOperation({
    summary: 'Test a saved resource by opening a real connection',
    description: 'SQL: SELECT 1; Kafka: describe cluster; Redis: PING; HTTP: HEAD then GET the base URL; Loki: GET /ready; Prometheus: GET /-/ready.',
  })
  @ApiOkResponse({ type: ConnectionTestResultDto })
  test(@CurrentTeam() team: TeamContext, @Param('resourceId') resourceId: string, @Query() query: ConnectionTestQueryDto): Promise<ConnectionTestResultDto> {
    return this.resources.testSaved(team.teamId, resourceId, query.timeoutMs);
  }
}
