import type { Type } from '@nestjs/common';
import { validateSync } from 'class-validator';
import { toFieldProblems } from '../../common/errors/validation-problems';
import { plainToDto, prototypeKeyErrors } from '../../common/validation/dto-input';
import { acceptorOf } from '../../common/validation/fast-accept';
import { problem, type FlowProblem } from '../../flow-language/flow-problem';

/**
 * Validates a raw document against a DTO class with the global pipe's rules (unknown fields refused)
 * and reports JSON pointers (`/steps/2/timeoutMs`) instead of dotted paths. Flow endpoints validate
 * here rather than in the global pipe so that shape problems and plugin/reference problems come back
 * together, in one pointer format, for the API, the dry run and every flow of an import.
 */
export function validateShape<T extends object>(cls: Type<T>, raw: unknown): { value: T; problems: FlowProblem[] } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { value: new cls(), problems: [problem('', 'must be a JSON object')] };
  }
  // A certainly valid document (the common case) is its own DTO: plain data with only the DTO's fields,
  // none of them initialised by the class; it skips class-transformer and class-validator. Anything
  // else gets the full report.
  if (acceptorOf(cls)(raw)) return { value: raw as T, problems: [] };
  const value = plainToDto(cls, raw, { enableImplicitConversion: false });
  const errors = validateSync(value, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    // One message per field: a missing name is "name must be a string", not three variations of it.
    stopAtFirstError: true,
    validationError: { target: false, value: false },
  });
  errors.push(...prototypeKeyErrors(cls, raw));
  const problems = toFieldProblems(errors).map((p) => problem(p.field ? `/${p.field.split('.').join('/')}` : '', p.message));
  return { value, problems };
}
