import { parseExpression } from '../substitution/expression-parser';
import { readQuotedString } from '../substitution/quoted-string';
import { SubstitutionError } from '../substitution/substitution-error';
import { findClosingBrace } from '../substitution/template';
import { ConditionSyntaxError } from './condition-error';
import type { ComparisonOperator, ConditionNode } from './condition-node';

/**
 * Parses a step's `when` condition:
 *
 *   or         := and { "||" and }
 *   and        := unary { "&&" unary }
 *   unary      := "!" unary | comparison
 *   comparison := operand [ ("==" | "!=" | "<" | "<=" | ">" | ">=" | "in") operand ]
 *   operand    := "(" or ")" | "${" expression "}" | number | quoted-string | true | false | null
 *               | "[" [ operand { "," operand } ] "]"
 *
 * `!` binds tighter than comparisons (write `!(a == b)`), comparisons tighter than `&&`, `&&` tighter
 * than `||`; comparisons do not chain. The `${...}` inside is the usual reference/function syntax,
 * so everything a step config may read a condition may read too. Throws ConditionSyntaxError with
 * the 1-based position of the problem.
 */
export function parseCondition(text: string): ConditionNode {
  return new ConditionParser(text).parse();
}

const COMPARISONS: readonly ComparisonOperator[] = ['==', '!=', '<=', '>=', '<', '>'];
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/;
const WORD = /^[A-Za-z_][A-Za-z0-9_]*/;

class ConditionParser {
  private position = 0;

  constructor(private readonly text: string) {}

  parse(): ConditionNode {
    this.skipSpace();
    if (this.position === this.text.length) throw this.fail('the condition is empty');
    const node = this.parseOr();
    this.skipSpace();
    if (this.position < this.text.length) throw this.unexpected();
    return node;
  }

  private parseOr(): ConditionNode {
    let left = this.parseAnd();
    while (this.accept('||')) left = { kind: 'logical', operator: '||', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): ConditionNode {
    let left = this.parseUnary();
    while (this.accept('&&')) left = { kind: 'logical', operator: '&&', left, right: this.parseUnary() };
    return left;
  }

  private parseUnary(): ConditionNode {
    this.skipSpace();
    if (this.text[this.position] === '!' && this.text[this.position + 1] !== '=') {
      this.position++;
      return { kind: 'not', operand: this.parseUnary() };
    }
    return this.parseComparison();
  }

  private parseComparison(): ConditionNode {
    const left = this.parseOperand();
    const operator = this.comparisonOperator();
    if (!operator) return left;
    const right = this.parseOperand();
    if (this.comparisonOperator(false)) throw this.fail('comparisons do not chain; join them with && or ||', this.position);
    return { kind: 'comparison', operator, left, right };
  }

  /** The comparison operator at the current position (consumed when `consume`), if any. */
  private comparisonOperator(consume = true): ComparisonOperator | undefined {
    this.skipSpace();
    const rest = this.text.slice(this.position);
    const symbol = COMPARISONS.find((op) => rest.startsWith(op));
    const operator = symbol ?? (/^in(?![A-Za-z0-9_])/.test(rest) ? 'in' : undefined);
    if (operator && consume) this.position += operator.length;
    return operator;
  }

  private parseOperand(): ConditionNode {
    this.skipSpace();
    const start = this.position;
    const char = this.text[start];
    if (char === undefined) throw this.fail('expected a value, a ${...} reference or "("');
    if (char === '(') {
      this.position++;
      const inner = this.parseOr();
      if (!this.accept(')')) throw this.fail('missing ")"', start);
      return inner;
    }
    if (char === '[') return this.parseArray();
    if (char === '"' || char === "'") {
      const quoted = readQuotedString(this.text, start);
      if (!quoted) throw this.fail('unterminated string', start);
      this.position = quoted.end;
      return { kind: 'literal', value: quoted.value };
    }
    if (this.text.startsWith('${', start)) return this.parseReference();
    const rest = this.text.slice(start);
    const number = NUMBER.exec(rest);
    if (number) {
      this.position += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    const word = WORD.exec(rest)?.[0];
    if (word === 'true' || word === 'false' || word === 'null') {
      this.position += word.length;
      return { kind: 'literal', value: word === 'null' ? null : word === 'true' };
    }
    if (word) throw this.fail(`"${word}" is not a value: write \${${word}} to read a variable or step, or quote a text`, start);
    throw this.unexpected();
  }

  private parseArray(): ConditionNode {
    const open = this.position++;
    const items: ConditionNode[] = [];
    this.skipSpace();
    if (this.accept(']')) return { kind: 'array', items };
    for (;;) {
      items.push(this.parseOperand());
      if (this.accept(']')) return { kind: 'array', items };
      if (!this.accept(',')) throw this.text[this.position] === undefined ? this.fail('missing "]"', open) : this.unexpected();
    }
  }

  private parseReference(): ConditionNode {
    const start = this.position;
    const close = findClosingBrace(this.text, start + 2);
    if (close < 0) throw this.fail('unterminated "${"', start);
    const source = this.text.slice(start + 2, close);
    try {
      const node = parseExpression(source);
      this.position = close + 1;
      return { kind: 'reference', source, node, start, end: close + 1 };
    } catch (error) {
      if (error instanceof SubstitutionError) throw this.fail(`\${${source}}: ${error.reason.replace(/ at character \d+$/, '')}`, start);
      throw error;
    }
  }

  private accept(token: string): boolean {
    this.skipSpace();
    if (!this.text.startsWith(token, this.position)) return false;
    this.position += token.length;
    return true;
  }

  private skipSpace(): void {
    while (/\s/.test(this.text[this.position] ?? '')) this.position++;
  }

  private unexpected(): ConditionSyntaxError {
    const char = this.text[this.position];
    return char === undefined ? this.fail('unexpected end of condition') : this.fail(`unexpected ${JSON.stringify(char)}`, this.position);
  }

  private fail(problem: string, position = this.position): ConditionSyntaxError {
    return new ConditionSyntaxError(problem, position + 1);
  }
}

/** Every `${...}` of a parsed condition, in reading order (for reference checks and wait plans). */
export function conditionReferences(node: ConditionNode): Array<Extract<ConditionNode, { kind: 'reference' }>> {
  switch (node.kind) {
    case 'reference':
      return [node];
    case 'array':
      return node.items.flatMap(conditionReferences);
    case 'not':
      return conditionReferences(node.operand);
    case 'logical':
    case 'comparison':
      return [...conditionReferences(node.left), ...conditionReferences(node.right)];
    default:
      return [];
  }
}
