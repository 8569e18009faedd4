import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AssertionDto } from './assertion.dto';

function problems(input: Record<string, unknown>): string[] {
  const dto = plainToInstance(AssertionDto, input);
  return validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) => `${error.property}: ${message}`),
  );
}

describe('AssertionDto', () => {
  it.each([
    { path: 'status', operator: 'equals', expected: 201 },
    { path: 'body.note', operator: 'equals', expected: null },
    { path: 'headers.content-type', operator: 'contains', expected: 'json' },
    { path: '$.items[?(@.sku == "A-1")].qty', operator: 'gte', expected: 1 },
    { path: 'body.id', operator: 'exists' },
    { path: 'body.id', operator: 'matches', expected: '^ord-\\d+$' },
    { path: 'status', operator: 'in', expected: [200, 201] },
    { path: 'body.createdAt', operator: 'gte', expected: '${now("-5m")}' },
    { path: 'body.items', operator: 'lengthEquals', expected: 0 },
    { path: 'body.items', operator: 'isType', expected: 'array' },
  ])('accepts %j', (input) => {
    expect(problems(input)).toEqual([]);
  });

  it('requires a non-empty path of at most 500 characters', () => {
    expect(problems({ operator: 'exists' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^path: path must be a string/)]),
    );
    expect(problems({ path: '', operator: 'exists' })).toContain('path: path should not be empty');
    expect(problems({ path: 'a'.repeat(501), operator: 'exists' })).toContain(
      'path: path must be shorter than or equal to 500 characters',
    );
  });

  it('refuses a malformed plain path, naming the problem', () => {
    expect(problems({ path: 'body..id', operator: 'exists' })).toEqual(['path: path is invalid: unexpected "." at character 6']);
  });

  it('refuses unknown operators', () => {
    expect(problems({ path: 'status', operator: 'approx', expected: 1 })).toEqual([
      expect.stringMatching(/^operator: operator must be one of the following values: equals, notEquals/),
    ]);
  });

  it('checks expected against the operator', () => {
    expect(problems({ path: 'status', operator: 'equals' })).toEqual(['expected: expected is required for operator "equals"']);
    expect(problems({ path: 'status', operator: 'in', expected: 201 })).toEqual(['expected: expected must be an array for operator "in"']);
    expect(problems({ path: 'a', operator: 'matches', expected: '(' })).toEqual([
      'expected: expected is not a valid regular expression /(/ (missing closing )) for operator "matches"',
    ]);
    expect(problems({ path: 'a', operator: 'matches', expected: '(a)\\1' })).toEqual([
      'expected: expected is not a valid regular expression /(a)\\1/ (backreferences (\\1...) are not supported by the linear-time regex engine) for operator "matches"',
    ]);
    expect(problems({ path: 'a', operator: 'gt', expected: 'soon' })).toEqual([
      'expected: expected must be a number or an ISO date for operator "gt"',
    ]);
    expect(problems({ path: 'a', operator: 'isType', expected: 'int' })).toHaveLength(1);
  });

  it('refuses unknown fields', () => {
    expect(problems({ path: 'status', operator: 'exists', extra: 1 })).toEqual(['extra: property extra should not exist']);
  });

  it('documents the operator enum for Swagger', () => {
    const properties = Reflect.getMetadata('swagger/apiModelProperties', AssertionDto.prototype, 'operator') as { enum: string[] };
    expect(properties.enum).toContain('lengthEquals');
  });
});
