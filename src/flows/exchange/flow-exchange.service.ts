import { Inject, Injectable } from '@nestjs/common';
import { AppException } from '../../common/errors/app.exception';
import { ErrorCode } from '../../common/errors/error-code';
import type { TeamContext } from '../../identity/tenancy/principal';
import type { FlowDefinitionDto } from '../dto/flow-definition.dto';
import { FlowsService } from '../flows.service';
import { FLOW_RESOURCE_CATALOG, type FlowResourceCatalog } from '../resources/flow-resource-catalog';
import { type FlowProblem, invalidFlow, prefixProblems, problem } from '../../flow-language/flow-problem';
import {
  bindResources,
  type FlowExportDocument,
  readEnvelope,
  readImportBody,
  resourceIdsOf,
  resourceNamesOf,
  toExportDocument,
} from './flow-document';

export type ImportConflictMode = 'fail' | 'skip';

export interface ImportResult {
  imported: Array<{ id: string; name: string; version: number }>;
  skipped: Array<{ name: string; reason: string }>;
}

/** Moves flows between teams (and installations) as a self-contained `ats.flows` document. */
@Injectable()
export class FlowExchangeService {
  constructor(
    private readonly flows: FlowsService,
    @Inject(FLOW_RESOURCE_CATALOG) private readonly resources: FlowResourceCatalog,
  ) {}

  async export(teamId: string, ids?: readonly string[]): Promise<FlowExportDocument> {
    const flows = await this.flows.getMany(teamId, ids);
    const names = await this.resources.namesByIds(teamId, resourceIdsOf(flows));
    return toExportDocument(flows, names);
  }

  /**
   * All or nothing: every flow is validated as if it were created on its own (plus name clashes with the
   * team and within the document); any problem answers 400 listing all of them, per flow, and nothing is
   * written. Valid documents are written in one transaction.
   */
  async import(team: TeamContext, body: unknown, onConflict: ImportConflictMode = 'fail'): Promise<ImportResult> {
    const read = readImportBody(body);
    if (read.problems.length) throw invalidFlow(read.problems, 'Import document');
    const envelope = readEnvelope(read.document);
    if (!envelope.flows) throw invalidFlow(envelope.problems, 'Import document');

    const rawFlows = envelope.flows;
    const nameOf = (raw: unknown) => {
      const name = (raw as { name?: unknown } | null)?.name;
      return typeof name === 'string' ? name : undefined;
    };
    const resourceNames = [...new Set(rawFlows.flatMap(resourceNamesOf))];
    const found = resourceNames.length ? await this.resources.findByNames(team.teamId, resourceNames) : [];
    const idsByName = new Map(found.map((r) => [r.name, r.id]));
    const existing = await this.flows.existingNames(team.teamId, rawFlows.map(nameOf).filter((n): n is string => !!n));

    const accepted: FlowDefinitionDto[] = [];
    const skipped: ImportResult['skipped'] = [];
    const failed: Array<{ index: number; name?: string; problems: FlowProblem[] }> = [];
    const firstIndexOfName = new Map<string, number>();
    for (const [index, raw] of rawFlows.entries()) {
      const name = nameOf(raw);
      if (name !== undefined && existing.has(name) && onConflict === 'skip') {
        skipped.push({ name, reason: 'a flow with this name already exists in the team' });
        continue;
      }
      const bound = bindResources(raw, idsByName);
      const { definition, problems } = await this.flows.validateDefinition(team.teamId, bound.flow);
      const flowProblems = [...bound.problems, ...problems];
      if (name !== undefined) {
        const first = firstIndexOfName.get(name);
        if (first !== undefined) flowProblems.push(problem('/name', `another flow of this document is named "${name}" (/flows/${first})`));
        else firstIndexOfName.set(name, index);
        if (existing.has(name)) {
          flowProblems.push(problem('/name', `a flow named "${name}" already exists in this team (import with onConflict=skip to keep it)`));
        }
      }
      if (flowProblems.length) failed.push({ index, name, problems: prefixProblems(`/flows/${index}`, flowProblems) });
      else accepted.push(definition);
    }
    if (failed.length) {
      const problems = failed.flatMap((f) => f.problems);
      const summary = `Import refused, nothing was imported: ${failed.length} of ${rawFlows.length} flow(s) have problems; first: ${problems[0].pointer}: ${problems[0].message}`;
      throw new AppException(ErrorCode.VALIDATION, summary, { problems, flows: failed });
    }
    const created = await this.flows.inTransaction((manager) => this.flows.insertMany(manager, team, accepted));
    return { imported: created.map((f) => ({ id: f.id, name: f.name, version: f.version })), skipped };
  }
}
