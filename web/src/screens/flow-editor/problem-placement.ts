import type { Path } from './json-path';
import { toPointer } from './json-path';

/** A validation problem as the API reports it (details.problems[]). */
export interface FlowProblem {
  pointer?: string;
  field?: string;
  message: string;
}

/**
 * The DOM id of the form control for a JSON pointer. Pointers hold any character (header names, map
 * keys), so they are percent-encoded into an id that is also a plain CSS identifier.
 */
export function fieldIdForPointer(pointer: string): string {
  return 'field' + pointer.replace(/[^A-Za-z0-9_-]/g, (c) => (c === '/' ? '--' : '_' + c.charCodeAt(0).toString(16) + '_'));
}

export function fieldId(path: Path): string {
  return fieldIdForPointer(toPointer(path));
}

export function problemPointer(problem: FlowProblem): string {
  return problem.pointer ?? problem.field ?? '';
}

/**
 * Splits problems into those shown beside a form control (keyed by pointer) and the rest, listed above
 * the form: pointers with no control on screen (a whole step, a missing list, a pointer the form cannot
 * show, or the text view being open).
 */
export function placeProblems(problems: readonly FlowProblem[], hasField: (id: string) => boolean): { inline: Map<string, string[]>; unplaced: FlowProblem[] } {
  const inline = new Map<string, string[]>();
  const unplaced: FlowProblem[] = [];
  for (const problem of problems) {
    const pointer = problemPointer(problem);
    if (pointer && hasField(fieldIdForPointer(pointer))) inline.set(pointer, [...(inline.get(pointer) ?? []), problem.message]);
    else unplaced.push(problem);
  }
  return { inline, unplaced };
}
