import * as protobuf from 'protobufjs';
import * as descriptor from 'protobufjs/ext/descriptor';

/**
 * Service definitions of a gRPC resource as one protobufjs Root, built from `.proto` text or from the
 * FileDescriptorProtos server reflection returns. The Root (not a grpc-js package definition) is kept
 * because it can check a request message field by field before anything is sent.
 */
export class GrpcDefinitions {
  readonly services: string[];

  constructor(
    private readonly root: protobuf.Root,
    /** Where the definitions came from, for error messages ("the proto text", "server reflection"). */
    readonly source: string,
  ) {
    this.services = listServices(root).sort();
  }

  /** The method, or an error naming what exists (the services, or the service's methods with their kinds). */
  method(serviceName: string, methodName: string): protobuf.Method {
    const name = serviceName.replace(/^\./, '');
    const service = this.services.includes(name) ? (this.root.lookup(name) as protobuf.Service) : undefined;
    if (!service) {
      throw new GrpcDefinitionError(`service "${name}" is not in ${this.source}; services: ${this.services.join(', ') || '(none)'}`, 'service');
    }
    const method = service.methods[methodName];
    if (!method) {
      const methods = Object.values(service.methods).map((m) => `${m.name} (${methodKind(m)})`);
      throw new GrpcDefinitionError(`method "${methodName}" is not in service ${name}; methods: ${methods.join(', ') || '(none)'}`, 'method');
    }
    method.resolve();
    return method;
  }
}

export class GrpcDefinitionError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'GrpcDefinitionError';
  }
}

export function methodKind(method: protobuf.Method): 'unary' | 'server streaming' | 'client streaming' | 'bidi streaming' {
  if (method.requestStream) return method.responseStream ? 'bidi streaming' : 'client streaming';
  return method.responseStream ? 'server streaming' : 'unary';
}

/** Well-known imports protobufjs ships (google/protobuf/timestamp.proto, ...); any other import cannot be resolved from one text. */
const BUNDLED_IMPORT = /^google\/protobuf\/[a-z_]+\.proto$/;

/**
 * Parses `.proto` text (field names kept as written). Throws with the parser's message and line
 * (`illegal token '}' (line 4)`), for imports that cannot be resolved, and for a text without a service.
 */
export function parseProtoText(text: string): GrpcDefinitions {
  const root = new protobuf.Root();
  const parsed = protobuf.parse(text, root, { keepCase: true, alternateCommentMode: true });
  for (const file of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
    const bundled = BUNDLED_IMPORT.test(file) ? (protobuf.common.get(file) as protobuf.INamespace | null) : null;
    if (!bundled) throw new Error(`import "${file}" cannot be resolved: only google/protobuf well-known types can be imported; paste the definitions you need into the same text`);
    root.addJSON(bundled.nested ?? {});
  }
  const definitions = new GrpcDefinitions(resolved(root), 'the proto text');
  if (!definitions.services.length) throw new Error('defines no service: add the service whose methods the steps call');
  return definitions;
}

/** The problem with a proto text for a 400 (`does not parse: illegal token ... (line 3)`), or null. */
export function protoTextProblem(text: string): string | null {
  try {
    parseProtoText(text);
    return null;
  } catch (error) {
    const message = (error as Error).message;
    return message.startsWith('import') || message.startsWith('defines') ? message : `does not parse: ${message}`;
  }
}

/** Definitions from serialized FileDescriptorProtos (server reflection), dependencies included. */
export function definitionsFromDescriptors(files: Uint8Array[], source: string): GrpcDefinitions {
  const set = descriptor.FileDescriptorSet.create({ file: files.map((bytes) => descriptor.FileDescriptorProto.decode(bytes)) });
  // ext/descriptor adds fromDescriptor to Root at runtime; its typings do not declare it.
  const root = (protobuf.Root as unknown as { fromDescriptor(set: protobuf.Message): protobuf.Root }).fromDescriptor(set);
  return new GrpcDefinitions(resolved(root), source);
}

/** The names of the files, and the files they import, in serialized FileDescriptorProtos. */
export function describeDescriptorFiles(files: Uint8Array[]): Array<{ name: string; dependencies: string[] }> {
  return files.map((bytes) => {
    const file = descriptor.FileDescriptorProto.decode(bytes) as unknown as { name?: string; dependency?: string[] };
    return { name: file.name ?? '', dependencies: file.dependency ?? [] };
  });
}

function resolved(root: protobuf.Root): protobuf.Root {
  root.resolveAll();
  return root;
}

function listServices(namespace: protobuf.NamespaceBase): string[] {
  const names: string[] = [];
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Service) names.push(nested.fullName.replace(/^\./, ''));
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) names.push(...listServices(nested));
  }
  return names;
}
