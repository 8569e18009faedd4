import type { Client } from '@grpc/grpc-js';
import type { EgressService } from '../../egress/egress.service';
import { callMetadata, openGrpcClient } from './grpc-client';
import { parseProtoText, type GrpcDefinitions } from './grpc-definitions';
import type { GrpcResourceConfig } from './grpc-resource-config.dto';
import { loadDefinitionsByReflection } from './grpc-reflection-client';

/**
 * One resource version's channel and service definitions, pooled by the step: the proto text is parsed
 * once per version, and reflection asked once per pooled connection (again only when a service is not
 * found, since the server may have gained it since).
 */
export class GrpcConnection {
  private definitions?: Promise<GrpcDefinitions>;

  private constructor(
    readonly client: Client,
    private readonly config: GrpcResourceConfig,
  ) {}

  static async open(config: GrpcResourceConfig, egress: EgressService): Promise<GrpcConnection> {
    return new GrpcConnection(await openGrpcClient(config, egress), config);
  }

  /** The definitions; `fresh` asks reflection again (a service the cached answer did not have). */
  load(options: { deadline: number; signal: AbortSignal; fresh?: boolean }): Promise<GrpcDefinitions> {
    if (this.config.proto !== undefined) {
      this.definitions ??= Promise.resolve().then(() => parseProtoText(this.config.proto!));
      return this.definitions;
    }
    if (!this.definitions || options.fresh) {
      const loading = loadDefinitionsByReflection(this.client, { metadata: callMetadata(this.config.metadata), deadline: options.deadline, signal: options.signal });
      this.definitions = loading;
      // A failed load (server down, abort) must not stay cached.
      loading.catch(() => {
        if (this.definitions === loading) this.definitions = undefined;
      });
    }
    return this.definitions;
  }

  get reflection(): boolean {
    return this.config.proto === undefined;
  }

  close(): void {
    this.client.close();
  }
}
