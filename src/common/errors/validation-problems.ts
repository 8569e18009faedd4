import type { ValidationError } from 'class-validator';
import type { FieldProblem } from './app.exception';

/** Flattens class-validator's nested errors into one problem per field, with dotted paths (`steps.2.config.topic`). */
export function toFieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      problems.push({ field, message: message.replace(/^an unknown value was passed to the validate function$/, 'invalid value') });
    }
    if (error.children?.length) problems.push(...toFieldProblems(error.children, field));
  }
  return problems;
}
