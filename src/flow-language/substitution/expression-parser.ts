import { BUILTIN_FUNCTION_NAMES, BUILTIN_FUNCTIONS } from './builtin-functions';
import { ENV_ROOT, EXECUTION_FIELDS, EXECUTION_ROOT, type ExpressionNode } from './expression-node';
import { readQuotedString } from './quoted-string';
import { SubstitutionError } from './substitution-error';
import { parseValuePath, ValuePathSyntaxError } from './value-path';

/**
 * Parses the text inside `${...}`:
 *
 *   expression := call | reference
 *   call       := name "(" [ argument { "," argument } ] ")"
 *   argument   := number | quoted-string | expression
 *   reference  := a plain value path (`order.response.body.items[0].id`, `env.NAME`)
 *
 * Function names and argument counts are checked here, so a flow validator can refuse a typo on
 * save instead of at run time. Throws SubstitutionError with the position of the problem.
 */
export function parseExpression(expression: string): ExpressionNode {
  return new ExpressionParser(expression).parse();
}

const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/;
/** Characters that end a reference: what separates arguments, and quotes (a path never holds a bare one). */
const REFERENCE_STOP = /[\s,()'"]/;

class ExpressionParser {
  private position = 0;

  constructor(private readonly text: string) {}

  parse(): ExpressionNode {
    this.skipSpace();
    if (this.position === this.text.length) throw this.fail('the expression is empty');
    const quoteOrDigit = /^['"\d-]/.test(this.text.slice(this.position));
    if (quoteOrDigit) throw this.fail('expected a variable, a step reference or a function call, not a literal', this.position);
    const node = this.parseReferenceOrCall();
    this.skipSpace();
    if (this.position < this.text.length) throw this.unexpected();
    return node;
  }

  private parseArgument(): ExpressionNode {
    this.skipSpace();
    const char = this.text[this.position];
    if (char === '"' || char === "'") {
      const quoted = readQuotedString(this.text, this.position);
      if (!quoted) throw this.fail('unterminated string', this.position);
      this.position = quoted.end;
      return { kind: 'literal', value: quoted.value };
    }
    const number = NUMBER.exec(this.text.slice(this.position));
    if (number) {
      this.position += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    if (char === undefined) throw this.fail('missing ")" after the arguments');
    if (char === ')' || char === ',') throw this.fail('expected an argument', this.position);
    return this.parseReferenceOrCall();
  }

  private parseReferenceOrCall(): ExpressionNode {
    const start = this.position;
    const text = this.readReferenceText();
    if (text === '') throw this.unexpected();
    this.skipSpace();
    if (this.text[this.position] === '(') return this.parseCall(text, start);
    let path;
    try {
      path = parseValuePath(text);
    } catch (error) {
      if (error instanceof ValuePathSyntaxError) throw this.fail(error.problem, start + error.position);
      throw error;
    }
    const [root, ...rest] = path;
    if (typeof root !== 'string') throw this.fail('a reference must start with a variable or step name', start);
    if (root === ENV_ROOT && (rest.length !== 1 || typeof rest[0] !== 'string')) {
      throw this.fail(`"${ENV_ROOT}" must be followed by exactly one variable name: ${ENV_ROOT}.NAME`, start);
    }
    if (root === EXECUTION_ROOT && (rest.length !== 1 || !(EXECUTION_FIELDS as readonly unknown[]).includes(rest[0]))) {
      throw this.fail(`"${EXECUTION_ROOT}" must be followed by one of ${EXECUTION_FIELDS.map((f) => `${EXECUTION_ROOT}.${f}`).join(', ')}`, start);
    }
    return { kind: 'reference', root, path: rest };
  }

  private parseCall(name: string, start: number): ExpressionNode {
    if (!FUNCTION_NAME.test(name)) throw this.fail(`"${name}" is not a valid function name`, start);
    const fn = BUILTIN_FUNCTIONS.get(name);
    if (!fn) throw this.fail(`unknown function "${name}" (known: ${BUILTIN_FUNCTION_NAMES.join(', ')})`);
    this.position++; // "("
    const args: ExpressionNode[] = [];
    this.skipSpace();
    if (this.text[this.position] === ')') {
      this.position++;
    } else {
      for (;;) {
        args.push(this.parseArgument());
        this.skipSpace();
        const char = this.text[this.position++];
        if (char === ')') break;
        if (char !== ',') {
          this.position--;
          throw char === undefined ? this.fail(`missing ")" after the arguments of ${name}`) : this.unexpected();
        }
      }
    }
    if (args.length < fn.minArgs || args.length > fn.maxArgs) {
      const count = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
      throw this.fail(`${fn.signature} takes ${count} argument(s), got ${args.length}`);
    }
    args.forEach((arg, index) => {
      const problem = arg.kind === 'literal' ? fn.checkArg?.(index, arg.value) : undefined;
      if (problem) throw this.fail(`${fn.signature}: ${problem}`);
    });
    return { kind: 'call', name, args };
  }

  /** A name or path, with bracketed parts read whole so `headers["a b"]` stays one reference. */
  private readReferenceText(): string {
    const start = this.position;
    while (this.position < this.text.length) {
      const char = this.text[this.position];
      if (char === '[') {
        this.skipBracket();
      } else if (REFERENCE_STOP.test(char)) {
        break;
      } else {
        this.position++;
      }
    }
    return this.text.slice(start, this.position);
  }

  private skipBracket(): void {
    const open = this.position++;
    while (this.position < this.text.length && this.text[this.position] !== ']') {
      const char = this.text[this.position];
      if (char === '"' || char === "'") {
        const quoted = readQuotedString(this.text, this.position);
        if (!quoted) throw this.fail('unterminated quoted name', this.position);
        this.position = quoted.end;
      } else {
        this.position++;
      }
    }
    if (this.position === this.text.length) throw this.fail('missing "]"', open);
    this.position++;
  }

  private skipSpace(): void {
    while (/\s/.test(this.text[this.position] ?? '')) this.position++;
  }

  private unexpected(): SubstitutionError {
    const char = this.text[this.position];
    return char === undefined
      ? this.fail('unexpected end of expression')
      : this.fail(`unexpected ${JSON.stringify(char)}`, this.position);
  }

  private fail(problem: string, position?: number): SubstitutionError {
    const where = position === undefined ? '' : ` at character ${position + 1}`;
    return new SubstitutionError(`\${${this.text}}`, `${problem}${where}`);
  }
}
