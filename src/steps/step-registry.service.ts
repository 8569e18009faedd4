import { Inject, Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { validateSync } from 'class-validator';
import { acceptorOf } from '../common/validation/fast-accept';
import { toFieldProblems } from '../common/errors/validation-problems';
import { plainToDto, prototypeKeyErrors } from '../common/validation/dto-input';
import { ResourceTypeRegistry } from '../resources/resource-type-registry.service';
import type { AnyStepRunner, StepPluginMetadata } from './step-plugin';
import { StepPlugin } from './step-plugin.decorator';

export interface RegisteredStep {
  metadata: StepPluginMetadata;
  runner: AnyStepRunner;
  /** The registered name ('kafka') of the resource type whose config class `metadata.resource` is. */
  resourceType?: string;
}

/** What the registry needs of the resource types: which one a plugin's `resource` class names. */
export interface ResourceTypeLookup {
  typeOfConfig(config: Type<object>): string | undefined;
  types(): string[];
}

export interface ConfigProblem {
  /** JSON pointer relative to the step's config, e.g. `/topic` or `/messages/0/value`. */
  pointer: string;
  message: string;
}

/**
 * Collects every provider decorated with @StepPlugin at boot. Duplicate types stop the boot: two
 * plugins claiming one type would make flows ambiguous. So does a plugin whose `resource` class is no
 * resource type's config: its steps could never get a resource.
 */
@Injectable()
export class StepRegistry implements OnModuleInit {
  private readonly steps = new Map<string, RegisteredStep>();

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(ResourceTypeRegistry) private readonly resourceTypes: ResourceTypeLookup,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: StepPlugin.KEY })) {
      const metadata = this.discovery.getMetadataByDecorator(StepPlugin, wrapper);
      if (!metadata || !wrapper.instance) continue;
      this.register(metadata, wrapper.instance as AnyStepRunner, wrapper.name);
    }
  }

  register(metadata: StepPluginMetadata, runner: AnyStepRunner, source = metadata.type): void {
    if (!/^[a-z][a-z0-9-]{0,39}$/.test(metadata.type)) throw new Error(`Step plugin ${source}: invalid type "${metadata.type}"`);
    const existing = this.steps.get(metadata.type);
    if (existing) {
      throw new Error(`Duplicate step type "${metadata.type}": ${existing.runner.constructor.name} and ${source} both declare it`);
    }
    const resourceType = metadata.resource && this.resourceTypeOf(metadata.resource, metadata.type, source);
    this.steps.set(metadata.type, { metadata, runner, ...(resourceType && { resourceType }) });
  }

  private resourceTypeOf(config: Type<object>, type: string, source: string): string {
    const resourceType = this.resourceTypes.typeOfConfig(config);
    if (!resourceType) {
      throw new Error(
        `Step plugin ${source} ("${type}") declares resource ${config.name}, but no resource type has that config class ` +
          `(registered: ${this.resourceTypes.types().join(', ') || 'none'}); provide its @ResourceType tester in the integration's module`,
      );
    }
    return resourceType;
  }

  get(type: string): RegisteredStep | undefined {
    return this.steps.get(type);
  }

  types(): string[] {
    return [...this.steps.keys()].sort();
  }

  /** Each type's `lateFields` (only types that declare some): where a flow may reference later steps. */
  lateFields(): ReadonlyMap<string, readonly string[]> {
    return new Map(this.all().flatMap(({ metadata }) => (metadata.lateFields?.length ? [[metadata.type, metadata.lateFields] as const] : [])));
  }

  all(): RegisteredStep[] {
    return this.types().map((type) => this.steps.get(type)!);
  }

  /**
   * Validates a config against the plugin's own DTO (unknown fields refused) and its raw checks.
   * `substituted` = false on save, where `${...}` strings stand in for values of any type: type
   * checks of such fields are deferred to run time, when the substituted config is validated again.
   */
  validateConfig<T extends object>(type: string, raw: unknown, substituted: boolean): { config?: T; problems: ConfigProblem[] } {
    const step = this.steps.get(type);
    if (!step) return { problems: [this.unknownType(type)] };
    if (!isConfigObject(raw)) return { problems: [NOT_AN_OBJECT] };
    const config = plainToDto(step.metadata.config, raw) as T;
    return { config, problems: problemsOf(step, raw, substituted, () => config) };
  }

  /** validateConfig on save: only the problems, so a certainly valid config is not even turned into its DTO. */
  configProblems(type: string, raw: unknown): ConfigProblem[] {
    const step = this.steps.get(type);
    if (!step) return [this.unknownType(type)];
    if (!isConfigObject(raw)) return [NOT_AN_OBJECT];
    return problemsOf(step, raw, false, () => plainToDto(step.metadata.config, raw));
  }

  private unknownType(type: string): ConfigProblem {
    return { pointer: '', message: `unknown step type "${type}"; registered: ${this.types().join(', ')}` };
  }
}

const NOT_AN_OBJECT: ConfigProblem = { pointer: '', message: 'config must be an object' };

function isConfigObject(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

function problemsOf(step: RegisteredStep, raw: Record<string, unknown>, substituted: boolean, instance: () => object): ConfigProblem[] {
  let problems: ConfigProblem[] = [];
  // A config that is certainly valid (the common case: every step saved, every step of every run) skips
  // class-validator; anything else gets its full report (src/common/validation/fast-accept.ts).
  if (!acceptorOf(step.metadata.config)(raw)) {
    const errors = validateSync(instance(), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
    errors.push(...prototypeKeyErrors(step.metadata.config, raw));
    problems = toFieldProblems(errors).map((p) => ({ pointer: '/' + p.field.split('.').join('/'), message: p.message }));
    if (!substituted) problems = problems.filter((p) => !isTemplateAt(raw, p.pointer));
  }
  problems.push(...(step.metadata.validateRaw?.(raw) ?? []).map((p) => ({ pointer: p.path, message: p.message })));
  return problems;
}

/** True when the raw value at the pointer (or an ancestor) is a `${...}` string, resolved only at run time. */
function isTemplateAt(raw: unknown, pointer: string): boolean {
  let current: unknown = raw;
  for (const segment of pointer.split('/').slice(1)) {
    if (typeof current === 'string') break;
    if (current === null || typeof current !== 'object') return false;
    current = (current as Record<string, unknown>)[segment];
  }
  return typeof current === 'string' && current.includes('${');
}
