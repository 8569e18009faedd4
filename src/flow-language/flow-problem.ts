import type { FieldProblem } from '../common/errors/app.exception';
import { AppException } from '../common/errors/app.exception';

/**
 * One problem in a flow document. `pointer` is a JSON pointer into the submitted document
 * (`/steps/2/config/topic`); `field` repeats it so the generic error format (`details.problems[].field`)
 * holds for clients that only know that one.
 */
export interface FlowProblem extends FieldProblem {
  pointer: string;
}

export function problem(pointer: string, message: string): FlowProblem {
  return { pointer, field: pointer, message };
}

/** Appends reference tokens to a JSON pointer (RFC 6901 escaping). */
export function pointerOf(base: string, ...tokens: Array<string | number>): string {
  return tokens.reduce<string>((pointer, token) => `${pointer}/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`, base);
}

/** The same problem list with every pointer moved under `prefix` (e.g. `/flows/3`). */
export function prefixProblems(prefix: string, problems: readonly FlowProblem[]): FlowProblem[] {
  return problems.map((p) => problem(prefix + p.pointer, p.message));
}

export function dedupeProblems(problems: readonly FlowProblem[]): FlowProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.pointer}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The 400 for an invalid flow: a short summary, every problem in `details.problems`. */
export function invalidFlow(problems: readonly FlowProblem[], what = 'Flow definition'): AppException {
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return AppException.validation([...problems], `${what} is invalid: ${first.pointer || '/'}: ${first.message}${more}`);
}
