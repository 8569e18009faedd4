import { ValidateIf } from 'class-validator';

/**
 * A field that may be left out but, when present, must pass its validators — `null` included.
 * `@IsOptional()` skips validation for `null` too, which let `{"maxParallel": null}` through a PATCH to
 * a NOT NULL column. Use this for optional fields that have no "cleared" state.
 */
export const OptionalNotNull = (): PropertyDecorator => ValidateIf((_object: object, value: unknown) => value !== undefined);
