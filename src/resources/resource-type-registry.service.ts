import { Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { validateSync } from 'class-validator';
import type { FieldProblem } from '../common/errors/app.exception';
import { toFieldProblems } from '../common/errors/validation-problems';
import { dtoToPlain, plainToDto, prototypeKeyErrors } from '../common/validation/dto-input';
import type { ResourceConnectionTester, ResourceTypeMetadata } from './resource-type';
import { ResourceType } from './resource-type.decorator';

export interface RegisteredResourceType {
  metadata: ResourceTypeMetadata;
  tester: ResourceConnectionTester;
}

const TYPE_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * Collects every provider decorated with @ResourceType. Duplicate or malformed types stop the boot.
 * Definitions (metadata) are read from the classes on first use, so the Swagger setup, which runs
 * before module init, can already list them; testers are bound from the instances at module init.
 */
@Injectable()
export class ResourceTypeRegistry implements OnModuleInit {
  private definitions?: Map<string, { metadata: ResourceTypeMetadata; source: string }>;
  private readonly testers = new Map<string, ResourceConnectionTester>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.load();
    for (const wrapper of this.discovery.getProviders({ metadataKey: ResourceType.KEY })) {
      const metadata = this.discovery.getMetadataByDecorator(ResourceType, wrapper);
      if (metadata && wrapper.instance) this.testers.set(metadata.type, wrapper.instance as ResourceConnectionTester);
    }
  }

  /** Adds a type by hand (tests, or types built at runtime); same checks as discovery. */
  register(metadata: ResourceTypeMetadata, tester: ResourceConnectionTester, source = metadata.type): void {
    this.add(this.load(), metadata, source);
    this.testers.set(metadata.type, tester);
  }

  get(type: string): RegisteredResourceType | undefined {
    const definition = this.load().get(type);
    const tester = this.testers.get(type);
    return definition && tester ? { metadata: definition.metadata, tester } : undefined;
  }

  has(type: string): boolean {
    return this.load().has(type);
  }

  types(): string[] {
    return [...this.load().keys()].sort();
  }

  /** The type whose @ResourceType declares this config class (how step plugins name their resource type). */
  typeOfConfig(config: Type<object>): string | undefined {
    for (const { metadata } of this.load().values()) if (metadata.config === config) return metadata.type;
    return undefined;
  }

  /** Every type's metadata, sorted by type (available before module init). */
  metadata(): ResourceTypeMetadata[] {
    return this.types().map((type) => this.load().get(type)!.metadata);
  }

  /**
   * Validates a full config (secrets included) with the type's DTO; unknown fields are refused.
   * Returns the config as plain JSON with the DTO's defaults applied, and problems with paths relative
   * to the config (`port`, `sasl.mechanism`).
   */
  validateConfig(type: string, raw: unknown): { config?: Record<string, unknown>; problems: FieldProblem[] } {
    const definition = this.load().get(type);
    if (!definition) return { problems: [{ field: '', message: `unknown resource type "${type}"; registered: ${this.types().join(', ')}` }] };
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { problems: [{ field: '', message: 'config must be an object' }] };
    const instance = plainToDto(definition.metadata.config, raw, { exposeDefaultValues: true });
    const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
    errors.push(...prototypeKeyErrors(definition.metadata.config, raw));
    const problems = toFieldProblems(errors);
    return problems.length ? { problems } : { config: dtoToPlain(definition.metadata.config, instance, { exposeUnsetFields: false }), problems };
  }

  private load(): Map<string, { metadata: ResourceTypeMetadata; source: string }> {
    if (this.definitions) return this.definitions;
    const definitions = new Map<string, { metadata: ResourceTypeMetadata; source: string }>();
    for (const wrapper of this.discovery.getProviders({ metadataKey: ResourceType.KEY })) {
      const metadata = this.discovery.getMetadataByDecorator(ResourceType, wrapper);
      if (metadata) this.add(definitions, metadata, wrapper.name);
    }
    this.definitions = definitions;
    return definitions;
  }

  private add(definitions: Map<string, { metadata: ResourceTypeMetadata; source: string }>, metadata: ResourceTypeMetadata, source: string): void {
    if (!TYPE_NAME.test(metadata.type)) throw new Error(`Resource type ${source}: invalid type "${metadata.type}"`);
    const existing = definitions.get(metadata.type);
    if (existing) throw new Error(`Duplicate resource type "${metadata.type}": ${existing.source} and ${source} both declare it`);
    definitions.set(metadata.type, { metadata, source });
  }
}
