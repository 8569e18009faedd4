import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { stringify } from 'yaml';
import type { TeamContext } from '../../identity/tenancy/principal';
import { CurrentTeam, TeamScoped } from '../../identity/tenancy/team-access.decorator';
import { ExportQueryDto, FlowExportDocumentDto, ImportQueryDto, ImportResultDto } from '../dto/flow-exchange.dto';
import { FlowValidationErrorDto } from '../dto/flow.dto';
import type { FlowExportDocument } from './flow-document';
import { FlowExchangeService } from './flow-exchange.service';

const FORMAT_NOTE =
  'Document: `{ format: "ats.flows", formatVersion: 1, exportedAt, flows: [{ name, description, tags, variables, steps }] }`. ' +
  'A step that uses a resource carries `resource: "<resource name>"` instead of `config.resourceId`, so the document can be imported into another team that has resources of the same names.';

/**
 * Registered before FlowsController (see FlowsApiModule) so that `GET flows/export` is not taken for
 * `GET flows/:flowId`.
 */
@ApiTags('flows')
@Controller('teams/:teamId/flows')
export class FlowExchangeController {
  constructor(private readonly exchange: FlowExchangeService) {}

  @Get('export')
  @TeamScoped('viewer')
  @ApiOperation({ summary: 'Export flows (all, or `ids`) as an ats.flows document', description: FORMAT_NOTE })
  @ApiProduces('application/json', 'application/yaml')
  @ApiOkResponse({ type: FlowExportDocumentDto })
  async exportMany(@CurrentTeam() team: TeamContext, @Query() query: ExportQueryDto, @Res({ passthrough: true }) res: Response): Promise<FlowExportDocument | string> {
    return render(await this.exchange.export(team.teamId, query.ids), query.format, res);
  }

  @Get(':flowId/export')
  @TeamScoped('viewer')
  @ApiParam({ name: 'flowId', format: 'uuid' })
  @ApiOperation({ summary: 'Export one flow as an ats.flows document', description: FORMAT_NOTE })
  @ApiProduces('application/json', 'application/yaml')
  @ApiOkResponse({ type: FlowExportDocumentDto })
  async exportOne(
    @CurrentTeam() team: TeamContext,
    @Param('flowId') flowId: string,
    @Query() query: ExportQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FlowExportDocument | string> {
    return render(await this.exchange.export(team.teamId, [flowId]), query.format, res);
  }

  @Post('import')
  @TeamScoped('editor')
  @ApiOperation({
    summary: 'Import an ats.flows document (JSON, or YAML with Content-Type application/yaml or text/yaml)',
    description:
      `${FORMAT_NOTE} Resources are matched by name in this team. Every flow is validated; any problem answers 400 with all ` +
      'problems (pointers `/flows/<i>/...`, grouped in `details.flows`) and nothing is imported. Existing names are a problem unless `onConflict=skip`.',
  })
  @ApiConsumes('application/json', 'application/yaml', 'text/yaml')
  @ApiBody({ type: FlowExportDocumentDto })
  @ApiCreatedResponse({ type: ImportResultDto })
  @ApiBadRequestResponse({ type: FlowValidationErrorDto })
  import(@CurrentTeam() team: TeamContext, @Body() body: unknown, @Query() query: ImportQueryDto): Promise<ImportResultDto> {
    return this.exchange.import(team, body, query.onConflict);
  }
}

function render(document: FlowExportDocument, format: 'json' | 'yaml' | undefined, res: Response): FlowExportDocument | string {
  if (format !== 'yaml') return document;
  res.type('application/yaml');
  return stringify(document);
}
