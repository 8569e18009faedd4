import { findReferences, type FoundReference } from '../substitution/find-references';
import { SubstitutionError } from '../substitution/substitution-error';
import { pointerOf } from '../flow-problem';

export interface TemplateScan {
  references: FoundReference[];
  /** One per malformed string (syntax error, unknown function, bad argument), with its pointer. */
  syntaxErrors: Array<{ pointer: string; message: string }>;
}

/**
 * Every `${...}` reference in `value`. The engine's findReferences stops at the first malformed
 * expression; calling it per string leaf reports every malformed string of a flow in one answer.
 */
export function scanTemplates(value: unknown, pointer: string, stepNames: ReadonlySet<string> | readonly string[]): TemplateScan {
  const scan: TemplateScan = { references: [], syntaxErrors: [] };
  visitStrings(value, pointer, (text, at) => {
    if (!text.includes('${')) return;
    try {
      scan.references.push(...findReferences(text, { stepNames, pointer: at }));
    } catch (error) {
      if (!(error instanceof SubstitutionError)) throw error;
      scan.syntaxErrors.push({ pointer: at, message: error.message });
    }
  });
  return scan;
}

function visitStrings(value: unknown, pointer: string, visit: (text: string, pointer: string) => void): void {
  if (typeof value === 'string') {
    visit(value, pointer);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => visitStrings(item, pointerOf(pointer, index), visit));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) visitStrings(item, pointerOf(pointer, key), visit);
  }
}
