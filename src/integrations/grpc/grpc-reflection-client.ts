import { Metadata, status, type Client, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import { definitionsFromDescriptors, describeDescriptorFiles, type GrpcDefinitions } from './grpc-definitions';

/**
 * The messages of grpc.reflection.v1 (identical in v1alpha; only the service path differs), written out
 * because grpc-js has no reflection client and @grpc/reflection is a server-side package.
 */
const REFLECTION_MESSAGES = `
syntax = "proto3";
message ServerReflectionRequest {
  string host = 1;
  oneof message_request { string file_by_filename = 3; string file_containing_symbol = 4; string list_services = 7; }
}
message ServerReflectionResponse {
  string valid_host = 1;
  oneof message_response {
    FileDescriptorResponse file_descriptor_response = 4;
    ListServiceResponse list_services_response = 6;
    ErrorResponse error_response = 7;
  }
}
message FileDescriptorResponse { repeated bytes file_descriptor_proto = 1; }
message ListServiceResponse { repeated ServiceResponse service = 1; }
message ServiceResponse { string name = 1; }
message ErrorResponse { int32 error_code = 1; string error_message = 2; }
`;

const REFLECTION_PATHS = ['/grpc.reflection.v1.ServerReflection/ServerReflectionInfo', '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo'];

/** Bounds on what one server may make the worker hold: services listed, files fetched, bytes of descriptors. */
const MAX_SERVICES = 200;
const MAX_FILES = 500;
const MAX_DESCRIPTOR_BYTES = 16 * 1024 * 1024;

interface ReflectionRequest {
  file_by_filename?: string;
  file_containing_symbol?: string;
  list_services?: string;
}

interface ReflectionResponse {
  file_descriptor_response?: { file_descriptor_proto?: Uint8Array[] };
  list_services_response?: { service?: Array<{ name?: string }> };
  error_response?: { error_code?: number; error_message?: string };
}

let messages: { request: protobuf.Type; response: protobuf.Type } | undefined;
function reflectionMessages(): { request: protobuf.Type; response: protobuf.Type } {
  if (!messages) {
    const root = protobuf.parse(REFLECTION_MESSAGES, { keepCase: true }).root;
    messages = { request: root.lookupType('ServerReflectionRequest'), response: root.lookupType('ServerReflectionResponse') };
  }
  return messages;
}

/**
 * Loads every service a server offers through server reflection (v1, then v1alpha when the server only
 * has that): list_services, then file_containing_symbol for each service, then any dependency the
 * answers did not include by file name. The descriptors become a protobufjs Root.
 */
export async function loadDefinitionsByReflection(client: Client, options: { metadata: Metadata; deadline: number; signal: AbortSignal }): Promise<GrpcDefinitions> {
  let lastError: unknown;
  for (const path of REFLECTION_PATHS) {
    try {
      return await reflect(client, path, options);
    } catch (error) {
      lastError = error;
      if ((error as Partial<ServiceError>).code !== status.UNIMPLEMENTED) break;
    }
  }
  throw lastError;
}

async function reflect(client: Client, path: string, options: { metadata: Metadata; deadline: number; signal: AbortSignal }): Promise<GrpcDefinitions> {
  const session = new ReflectionSession(client, path, options);
  try {
    const listed = await session.ask({ list_services: '*' });
    const services = (listed.list_services_response?.service ?? []).map((s) => s.name ?? '').filter((name) => name && !name.startsWith('grpc.reflection.'));
    if (services.length > MAX_SERVICES) throw new Error(`the server lists ${services.length} services; at most ${MAX_SERVICES} are loaded by reflection`);
    const files = new Map<string, Uint8Array>();
    const wanted = new Set<string>();
    let bytes = 0;
    const keep = (response: ReflectionResponse) => {
      const protos = response.file_descriptor_response?.file_descriptor_proto ?? [];
      describeDescriptorFiles(protos).forEach((file, index) => {
        if (files.has(file.name)) return;
        bytes += protos[index].length;
        if (files.size >= MAX_FILES || bytes > MAX_DESCRIPTOR_BYTES) throw new Error(`the server's descriptors exceed ${MAX_FILES} files or ${MAX_DESCRIPTOR_BYTES} bytes`);
        files.set(file.name, protos[index]);
        file.dependencies.forEach((dependency) => wanted.add(dependency));
      });
    };
    for (const service of services) keep(await session.ask({ file_containing_symbol: service }));
    for (let missing = [...wanted].find((f) => !files.has(f)); missing; missing = [...wanted].find((f) => !files.has(f))) {
      wanted.delete(missing);
      keep(await session.ask({ file_by_filename: missing }));
    }
    return definitionsFromDescriptors([...files.values()], 'the services the server lists by reflection');
  } finally {
    session.close();
  }
}

/** One reflection stream: requests are answered in order, one response each. */
class ReflectionSession {
  private readonly call: ClientDuplexStream<ReflectionRequest, ReflectionResponse>;
  private readonly waiting: Array<{ resolve: (r: ReflectionResponse) => void; reject: (e: unknown) => void }> = [];
  private failure?: unknown;
  private readonly onAbort = () => this.call.cancel();
  private readonly signal: AbortSignal;

  constructor(client: Client, path: string, options: { metadata: Metadata; deadline: number; signal: AbortSignal }) {
    const { request, response } = reflectionMessages();
    this.call = client.makeBidiStreamRequest(
      path,
      (message: ReflectionRequest) => Buffer.from(request.encode(request.fromObject(message)).finish()),
      (bytes: Buffer) => response.toObject(response.decode(bytes)) as ReflectionResponse,
      options.metadata,
      { deadline: options.deadline },
    );
    this.call.on('data', (answer: ReflectionResponse) => {
      const next = this.waiting.shift();
      if (!next) return;
      const error = answer.error_response;
      if (error) next.reject(new Error(`reflection error ${error.error_code ?? ''}: ${error.error_message ?? ''}`.trim()));
      else next.resolve(answer);
    });
    this.call.on('error', (error) => this.fail(error));
    this.call.on('end', () => this.fail(new Error('the server closed the reflection stream')));
    this.signal = options.signal;
    this.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  ask(request: ReflectionRequest): Promise<ReflectionResponse> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.call.write(request);
    });
  }

  close(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    this.call.end();
    this.call.cancel();
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
  }
}
