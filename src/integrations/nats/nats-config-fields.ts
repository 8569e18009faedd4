import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsUUID } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { Satisfies } from '../../common/validation/satisfies.decorator';
import { isPlainObject, scalarsToStrings } from '../../steps/shared/step-config-validators';

/**
 * Config fields the NATS and JetStream steps share, each with its validation and catalogue text in
 * one decorator. Subjects follow NATS' rules: dot-separated non-empty tokens without whitespace; `*`
 * matches one token and `>` the rest (last token only) — only where a step subscribes.
 */

const MAX_SUBJECT_LENGTH = 1024;
const MAX_HEADERS = 64;
/** A header name as NATS' MIME-style headers accept it: printable, no colon or whitespace. */
const HEADER_NAME = /^[!-9;-~]{1,256}$/;

export function subjectProblem(value: unknown, wildcards: boolean): string | null {
  if (typeof value !== 'string' || value === '') return 'must be a non-empty NATS subject, e.g. "orders.created"';
  if (value.length > MAX_SUBJECT_LENGTH) return `must be at most ${MAX_SUBJECT_LENGTH} characters`;
  if (/\s/.test(value)) return 'must not contain whitespace';
  const tokens = value.split('.');
  if (tokens.some((token) => token === '')) return 'must not have empty tokens (leading, trailing or double dots)';
  const wild = tokens.findIndex((token) => token === '*' || token === '>');
  if (!wildcards && wild !== -1) return 'must be a concrete subject: wildcards (* and >) are only for subscribing';
  const full = tokens.indexOf('>');
  if (full !== -1 && full !== tokens.length - 1) return 'may use > only as its last token';
  return null;
}

export function ResourceIdProperty(): PropertyDecorator {
  return applyDecorators(ApiProperty({ format: 'uuid', description: 'A `nats` resource', example: '3d5e7f90-1a2b-4c3d-8e9f-0a1b2c3d4e5f' }), IsUUID());
}

/** A subject to publish or send a request to (no wildcards). */
export function PublishSubjectProperty(example = 'orders.created'): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ example, description: 'Concrete subject (no wildcards)' }),
    Satisfies('isNatsSubject', (value) => subjectProblem(value, false)),
  );
}

/** A subject to subscribe to: `*` matches one token, `>` the rest. */
export function SubscribeSubjectProperty(options: { required: boolean; description: string; example: string }): PropertyDecorator {
  const check = Satisfies('isNatsSubjectFilter', (value) => subjectProblem(value, true));
  return options.required
    ? applyDecorators(ApiProperty({ example: options.example, description: options.description }), check)
    : applyDecorators(ApiPropertyOptional({ example: options.example, description: options.description }), IsOptional(), check);
}

/** The body: a string as is, any other JSON value as its JSON text, null an empty body. */
export function MessageBodyProperty(example: unknown): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ example, description: 'A string is sent as is; any other JSON value as its JSON text; null sends an empty body' }),
    Satisfies('isMessageBody', (value) => (value === undefined ? 'is required: a string or any JSON value (null for an empty body)' : null)),
  );
}

export function HeadersProperty(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { 'x-tenant': 'acme' }, description: 'NATS headers (the server must support headers: 2.2+)' }),
    IsOptional(),
    JSONSchema({ type: 'object', additionalProperties: { type: 'string' } }),
    Transform(({ value }) => scalarsToStrings(value)),
    Satisfies('isNatsHeaders', (value) => {
      if (!isPlainObject(value) || !Object.values(value).every((item) => typeof item === 'string')) return 'must be an object of string values';
      if (Object.keys(value).length > MAX_HEADERS) return `must have at most ${MAX_HEADERS} headers`;
      const bad = Object.keys(value).find((name) => !HEADER_NAME.test(name));
      if (bad !== undefined) return `"${bad.slice(0, 80)}" is not a header name (printable characters, no colon or whitespace)`;
      const badValue = Object.values(value).find((item) => /[\r\n]/.test(item as string));
      return badValue === undefined ? null : 'values must not contain line breaks';
    }),
  );
}
