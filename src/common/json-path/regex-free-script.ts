import { JSONPath } from 'jsonpath-plus';

/** The shape of a jsep AST node, as far as the checks below read it. */
interface Node {
  type: string;
  value?: unknown;
  computed?: boolean;
  property?: Node;
  name?: string;
  [key: string]: unknown;
}

interface ScriptClass {
  new (code: string): { ast: unknown; runInNewContext(context: object): unknown };
}

/** jsonpath-plus's own interpreter of filter scripts (`?(...)`), which never uses eval. */
const SafeScript = (JSONPath.prototype as unknown as { safeVm: { Script: ScriptClass } }).safeVm.Script;

/**
 * String methods a filter could use to run a regular expression on a backtracking engine (match,
 * matchAll and search turn a string argument into one) or to build a string big enough to stall the
 * process (repeat, padStart, padEnd).
 */
const REFUSED_METHODS = new Set(['match', 'matchAll', 'search', 'repeat', 'padStart', 'padEnd']);

/**
 * jsonpath-plus's safe interpreter with the regex escape hatches closed: filters come from tenants and
 * run in the shared worker, where a catastrophic regex would block every run (the `matches` assertion
 * runs patterns on a linear-time engine instead). A filter with a regex literal, one of the methods
 * above, or a computed property name (which could spell one) fails to compile with a message saying
 * so; jsonpath-plus reports it as an invalid JSONPath. Pass the class as JSONPath's `eval` option.
 */
export class RegexFreeScript extends SafeScript {
  constructor(code: string) {
    super(code);
    const problem = refusedConstruct(this.ast as Node);
    if (problem) throw new Error(`${problem} is not allowed in a JSONPath filter (regexes belong in a "matches" assertion, which runs in linear time)`);
  }

  // jsonpath-plus takes a class as `eval` only when runInNewContext is its own prototype's method.
  override runInNewContext(context: object): unknown {
    return super.runInNewContext(context);
  }
}

function refusedConstruct(node: Node): string | undefined {
  if (node.type === 'Literal' && node.value instanceof RegExp) return `the regular expression ${String(node.value)}`;
  if (node.type === 'MemberExpression' && node.property) {
    const property = node.property;
    if (node.computed && !(property.type === 'Literal' && ['string', 'number'].includes(typeof property.value))) return 'a computed property name';
    const name = node.computed ? String(property.value) : property.name;
    if (name !== undefined && REFUSED_METHODS.has(name)) return `.${name}()`;
  }
  for (const child of Object.values(node)) {
    for (const item of Array.isArray(child) ? child : [child]) {
      if (item && typeof item === 'object' && typeof (item as Node).type === 'string') {
        const problem = refusedConstruct(item as Node);
        if (problem) return problem;
      }
    }
  }
  return undefined;
}
