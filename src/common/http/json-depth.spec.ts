import { MAX_JSON_DEPTH, verifyJsonDepth } from './json-depth';

describe('verifyJsonDepth', () => {
  const check = (text: string) => () => verifyJsonDepth({} as never, {}, Buffer.from(text));

  it('accepts ordinary documents, and brackets inside strings', () => {
    expect(check('{"a":[1,{"b":"[[[[{{{{\\"]]]"}]}')).not.toThrow();
    expect(check('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).not.toThrow();
  });

  it('refuses documents nested deeper than the limit with a 400', () => {
    try {
      check('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))();
      throw new Error('did not throw');
    } catch (error) {
      expect((error as { status: number }).status).toBe(400);
      expect((error as Error).message).toMatch(/^body: JSON nested deeper/);
    }
  });
});
