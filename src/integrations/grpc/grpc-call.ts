import { status, type Client, type Metadata, type StatusObject } from '@grpc/grpc-js';
import type * as protobuf from 'protobufjs';
import { metadataToJson } from './grpc-client';
import { grpcStatusName, type GrpcCallStatus } from './grpc-status';

/** How a response message becomes JSON: proto field names, enums by name, 64-bit integers and bytes as strings, zero values present. */
const TO_JSON: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: true, json: true };

/** A stream stops being collected past this many bytes of messages, as it does at maxMessages. */
const MAX_STREAM_BYTES = 8 * 1024 * 1024;

export interface GrpcCall {
  client: Client;
  method: protobuf.Method;
  request: Uint8Array;
  metadata: Metadata;
  deadline: number;
  signal: AbortSignal;
  maxMessages: number;
}

export interface GrpcCallOutcome {
  status: GrpcCallStatus;
  messages: Array<Record<string, unknown>>;
  metadata: Record<string, string>;
  trailers: Record<string, string>;
  /** A stream the step stopped reading (maxMessages or the byte cap) before the server ended it. */
  truncated: boolean;
}

/** The method's path as it goes on the wire: /package.Service/Method. */
export function methodPath(method: protobuf.Method): string {
  return `/${method.parent!.fullName.replace(/^\./, '')}/${method.name}`;
}

/**
 * Makes a unary or server-streaming call and settles with its status, whatever it is: the caller
 * decides what a non-OK status means. Aborting `signal` cancels the call, which closes its HTTP/2 stream.
 */
export function callGrpc(call: GrpcCall): Promise<GrpcCallOutcome> {
  const responseType = call.method.resolvedResponseType!;
  let streamBytes = 0;
  const decode = (bytes: Buffer) => {
    streamBytes += bytes.length;
    return responseType.toObject(responseType.decode(bytes), TO_JSON);
  };
  const serialize = () => Buffer.from(call.request);
  const path = methodPath(call.method);
  return new Promise((resolve) => {
    const messages: Array<Record<string, unknown>> = [];
    let metadata: Record<string, string> = {};
    let truncated = false;
    const onAbort = () => stream.cancel();
    const finish = (result: StatusObject) => {
      call.signal.removeEventListener('abort', onAbort);
      resolve({
        status: { code: result.code, name: grpcStatusName(result.code), details: result.details },
        messages,
        metadata,
        trailers: metadataToJson(result.metadata),
        truncated,
      });
    };
    const options = { deadline: call.deadline };
    const stream = call.method.responseStream
      ? call.client.makeServerStreamRequest(path, serialize, decode, call.request, call.metadata, options)
      : call.client.makeUnaryRequest(path, serialize, decode, call.request, call.metadata, options, (_error, message?: Record<string, unknown>) => {
          // Errors arrive as the status below, which carries the trailers too.
          if (message) messages.push(message);
        });
    stream.on('metadata', (received: Metadata) => (metadata = metadataToJson(received)));
    stream.on('status', (result: StatusObject) => {
      // Cancelled by the step itself at its limit: the stream was read as far as the step wanted.
      if (truncated && result.code === status.CANCELLED) finish({ ...result, details: `the step stopped reading after ${messages.length} messages` });
      else finish(result);
    });
    if (call.method.responseStream) {
      const readable = stream as ReturnType<Client['makeServerStreamRequest']>;
      readable.on('data', (message: Record<string, unknown>) => {
        if (truncated) return;
        messages.push(message);
        if (messages.length >= call.maxMessages || streamBytes > MAX_STREAM_BYTES) {
          truncated = true;
          readable.cancel();
        }
      });
      // The status event reports every failure; this listener keeps an error status from being an unhandled 'error'.
      readable.on('error', () => undefined);
    }
    if (call.signal.aborted) stream.cancel();
    else call.signal.addEventListener('abort', onAbort, { once: true });
  });
}
