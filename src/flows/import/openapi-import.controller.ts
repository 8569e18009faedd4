import { Body, Controller, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConsumes, ApiCreatedResponse, ApiExtraModels, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { TeamContext } from '../../identity/tenancy/principal';
import { CurrentTeam, TeamScoped } from '../../identity/tenancy/team-access.decorator';
import { FlowValidationErrorDto } from '../dto/flow.dto';
import { OPENAPI_IMPORT_MEDIA_TYPES } from './openapi-body-parser';
import { OpenApiDryRunDto, OpenApiImportQueryDto, OpenApiImportResultDto } from './openapi-import.dto';
import { OpenApiImportService } from './openapi-import.service';

const EXAMPLE_DOCUMENT = `openapi: 3.0.3
info: { title: Orders API, version: 1.0.0 }
servers: [{ url: "http://orders.internal:8080" }]
paths:
  /orders/{id}:
    get:
      operationId: getOrder
      parameters: [{ name: id, in: path, required: true, schema: { type: string }, example: ord-1 }]
      responses:
        "200":
          description: The order
          content:
            application/json:
              schema: { type: object, required: [id, status], properties: { id: { type: string }, status: { type: string } } }
`;

@ApiTags('flows')
@ApiExtraModels(OpenApiImportResultDto, OpenApiDryRunDto)
@Controller('teams/:teamId/flows/import/openapi')
export class OpenApiImportController {
  constructor(private readonly openApi: OpenApiImportService) {}

  @Post()
  @TeamScoped('editor')
  @ApiOperation({
    summary: 'Create flows from an OpenAPI 3.x / Swagger 2.0 document (the body, as JSON or YAML, up to 5 MB)',
    description:
      'One flow per operation (named `GET /orders/{id}`) or per tag (`groupBy=tag`). Each operation becomes an `http` step: ' +
      '`${baseUrl}` + path, path parameters and required (or documented) query/header parameters as flow variables, a request body ' +
      'from the schema (example > default > enum > placeholder, required properties), `content-type` set; assertions on the lowest ' +
      'documented 2xx status (any 2xx when only `default` is documented) and, for a JSON response schema, `isType` of the body and ' +
      '`exists` for each required top-level field. `baseUrl` defaults to `servers[0].url` (Swagger 2: scheme://host/basePath). ' +
      'Only internal `#/...` references are resolved: an external `$ref` (file, URL) is a 400. Every flow is validated like a saved one; ' +
      '`dryRun=true` answers the plan and creates nothing.',
  })
  @ApiConsumes(...OPENAPI_IMPORT_MEDIA_TYPES)
  @ApiBody({ schema: { type: 'string', description: 'The OpenAPI document', example: EXAMPLE_DOCUMENT } })
  @ApiCreatedResponse({
    description: '`{ created, skipped }`, or with `dryRun=true` `{ dryRun: true, flows }`',
    schema: { oneOf: [{ $ref: getSchemaPath(OpenApiImportResultDto) }, { $ref: getSchemaPath(OpenApiDryRunDto) }] },
  })
  @ApiBadRequestResponse({ type: FlowValidationErrorDto, description: 'Not an OpenAPI document, a schema error (pointer into `/document`), an external `$ref`' })
  import(@CurrentTeam() team: TeamContext, @Body() body: unknown, @Query() query: OpenApiImportQueryDto): Promise<OpenApiImportResultDto | OpenApiDryRunDto> {
    return this.openApi.import(team, body, query);
  }
}
