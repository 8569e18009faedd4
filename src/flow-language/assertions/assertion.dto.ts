import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength, ValidateBy, type ValidationOptions } from 'class-validator';
import { ASSERTION_OPERATORS, type Assertion, type AssertionOperator } from './assertion';
import { ASSERTION_OPERATOR_SPECS } from './assertion-operators';
import { assertionPathProblem } from './assertion-path';

/** One assertion inside a step of a flow definition. */
export class AssertionDto implements Assertion {
  @ApiProperty({
    description:
      'Where to look in the step result: a plain path (`status`, `body.items[0].id`, `headers.content-type`, ' +
      '`headers["x.y"]`, `rows[0].col`) or a JSONPath starting with `$`. JSON text on the way is parsed.',
    maxLength: 500,
    example: 'body.items[0].id',
    examples: ['status', 'headers.content-type', 'rows[0].total', '$.body.items[?(@.sku == "A-1")].qty'],
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  @IsAssertionPath()
  path: string;

  @ApiProperty({ enum: ASSERTION_OPERATORS, example: 'equals' })
  @IsIn(ASSERTION_OPERATORS)
  operator: AssertionOperator;

  @ApiPropertyOptional({
    description:
      'Value to compare with; its shape depends on the operator: any JSON for equals/notEquals/contains, an array ' +
      'for in/notIn, a regex string (`^2\\d\\d$` or `/abc/i`; flags i, m, s; matched in linear time by RE2, so no ' +
      'backreferences or lookaround) for matches, a number or ISO date for gt/gte/lt/lte, ' +
      'an integer for lengthEquals, a type name for isType, nothing for exists/notExists. May hold `${...}` references.',
    example: 201,
    examples: [201, 'application/json', ['PAID', 'SHIPPED'], '^ord-[0-9]+$', 'array'],
  })
  @IsExpectedForOperator()
  expected?: unknown;
}

/** Path syntax is checked on save so a typo is a 400 naming the field, not a failed run later. */
function IsAssertionPath(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAssertionPath',
      validator: {
        validate: (value) => typeof value !== 'string' || assertionPathProblem(value) === undefined,
        defaultMessage: (args) => `path is invalid: ${assertionPathProblem(String(args?.value))}`,
      },
    },
    options,
  );
}

/**
 * Checks `expected` against the operator with the same rules the evaluator applies. A string holding
 * `${...}` is let through: its type is only known after substitution, and the evaluator reports it then.
 */
function IsExpectedForOperator(options?: ValidationOptions): PropertyDecorator {
  const problem = (value: unknown, object: object): string | undefined => {
    const operator = (object as Partial<AssertionDto>).operator;
    if (typeof operator !== 'string' || !Object.hasOwn(ASSERTION_OPERATOR_SPECS, operator)) return undefined;
    if (typeof value === 'string' && value.includes('${')) return undefined;
    const predicate = ASSERTION_OPERATOR_SPECS[operator].expectedProblem(value);
    return predicate && `expected ${predicate} for operator "${operator}"`;
  };
  return ValidateBy(
    {
      name: 'isExpectedForOperator',
      validator: {
        validate: (value, args) => problem(value, args!.object) === undefined,
        defaultMessage: (args) => problem(args!.value, args!.object) ?? 'expected is invalid',
      },
    },
    options,
  );
}
