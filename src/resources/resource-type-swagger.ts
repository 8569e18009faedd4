import { ApiBody, ApiExtraModels, getSchemaPath } from '@nestjs/swagger';
import { CreateResourceDto } from './dto/create-resource.dto';
import { TestResourceConfigDto } from './dto/test-resource-config.dto';
import type { ResourceTypeMetadata } from './resource-type';
import { ResourcesController } from './resources.controller';

const documented = new WeakSet<object>();

/**
 * Documents the create and unsaved-test bodies as a union over `type`: one `oneOf` branch per
 * registered type whose `config` refers to the type's own schema, and one example per type. The
 * types are known only once the registry has discovered them, so this runs at bootstrap, before the
 * Swagger document is built, instead of as static decorators (which would need a central type list).
 */
export function documentResourceTypes(types: ResourceTypeMetadata[]): void {
  if (documented.has(ResourcesController)) return;
  documented.add(ResourcesController);
  // The bases too: the branches below $ref them, and Swagger only emits schemas it was told about (a dangling
  // #/components/schemas/CreateResourceDto made /docs-json invalid for OpenAPI tools, the OpenAPI import included).
  ApiExtraModels(CreateResourceDto, TestResourceConfigDto, ...types.map((t) => t.config))(ResourcesController);

  const unionOver = (base: object) => ({
    description: 'One branch per resource type: `type` selects the schema of `config`.',
    oneOf: types.map((t) => ({
      title: t.type,
      description: t.description,
      allOf: [
        { $ref: getSchemaPath(base as never) },
        { type: 'object', required: ['type', 'config'], properties: { type: { type: 'string', enum: [t.type] }, config: { $ref: getSchemaPath(t.config) } } },
      ],
    })),
  });
  const examples = (fields: (t: ResourceTypeMetadata) => Record<string, unknown>) =>
    Object.fromEntries(types.map((t) => [t.type, { summary: t.description, value: { ...fields(t), type: t.type, config: t.example } }]));

  apply('create', ApiBody({ schema: unionOver(CreateResourceDto), examples: examples((t) => ({ name: `${t.type}-staging`, labels: { env: 'staging' }, namespace: 'staging' })) }));
  apply('testUnsaved', ApiBody({ schema: unionOver(TestResourceConfigDto), examples: examples(() => ({})) }));
}

function apply(method: keyof ResourcesController, decorator: MethodDecorator): void {
  decorator(ResourcesController.prototype, method, Object.getOwnPropertyDescriptor(ResourcesController.prototype, method)!);
}
