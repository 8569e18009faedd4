import { Injectable } from '@nestjs/common';
import type { TeamContext } from '../../identity/tenancy/principal';
import { invalidFlow, prefixProblems, problem } from '../../flow-language/flow-problem';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION } from '../exchange/flow-document';
import { FlowExchangeService } from '../exchange/flow-exchange.service';
import { FlowsService } from '../flows.service';
import type { OpenApiDryRunDto, OpenApiImportQueryDto, OpenApiImportResultDto } from './openapi-import.dto';
import { openApiToFlows } from './openapi/openapi-to-flows';
import { readOpenApiDocument } from './openapi/read-openapi-document';

/**
 * OpenAPI document → flows. The flows go through the same path as an `ats.flows` import (validation of
 * every flow, name clashes, one transaction), so what is created is exactly what a user could save.
 */
@Injectable()
export class OpenApiImportService {
  constructor(
    private readonly flows: FlowsService,
    private readonly exchange: FlowExchangeService,
  ) {}

  async import(team: TeamContext, body: unknown, query: OpenApiImportQueryDto): Promise<OpenApiImportResultDto | OpenApiDryRunDto> {
    const doc = await readOpenApiDocument(body);
    const flows = openApiToFlows(doc, { groupBy: query.groupBy ?? 'operation', baseUrlVariable: query.baseUrlVariable ?? 'baseUrl' });
    if (!flows.length) throw invalidFlow([problem('/document/paths', 'the document has no operations to turn into flows')], 'OpenAPI document');

    if (query.dryRun) {
      const existing = await this.flows.existingNames(team.teamId, flows.map((f) => f.name));
      const planned = await Promise.all(
        flows.map(async (flow, index) => {
          // A generated flow the validator refuses is a bug of the converter; say so rather than plan it silently.
          const { problems } = await this.flows.validateDefinition(team.teamId, flow);
          if (problems.length) throw invalidFlow(prefixProblems(`/flows/${index}`, problems), `Generated flow "${flow.name}"`);
          return {
            name: flow.name,
            stepCount: flow.steps.length,
            steps: flow.steps.map((s) => ({ name: s.name, method: String(s.config.method), url: String(s.config.url) })),
            variables: flow.variables,
            exists: existing.has(flow.name),
            definition: flow as unknown as Record<string, unknown>,
          };
        }),
      );
      return { dryRun: true, flows: planned };
    }

    const document = { format: EXPORT_FORMAT, formatVersion: EXPORT_FORMAT_VERSION, flows };
    const result = await this.exchange.import(team, document, query.onConflict ?? 'skip');
    return { created: result.imported.map(({ id, name }) => ({ id, name })), skipped: result.skipped };
  }
}
