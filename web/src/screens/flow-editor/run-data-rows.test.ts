import { describe, expect, it } from 'vitest';
import { MAX_DATA_ROWS, parseDataRows } from './run-data-rows';

describe('parseDataRows', () => {
  it('reads a JSON array of variable rows, and blank text as no test data', () => {
    expect(parseDataRows('  ')).toBeUndefined();
    expect(parseDataRows('[{"sku": "A-1"}, {"sku": "B-2", "qty": 3}]')).toEqual({ rows: [{ sku: 'A-1' }, { sku: 'B-2', qty: 3 }] });
  });

  it('says what is wrong: not JSON, not an array, too many rows, a row that is not an object', () => {
    expect(parseDataRows('[{')).toMatchObject({ error: expect.stringContaining('not JSON') });
    expect(parseDataRows('{"sku": "A-1"}')).toMatchObject({ error: expect.stringContaining('JSON array of 1 to 100 rows') });
    expect(parseDataRows('[]')).toMatchObject({ error: expect.stringContaining('JSON array') });
    expect(parseDataRows(JSON.stringify(Array.from({ length: MAX_DATA_ROWS + 1 }, () => ({}))))).toMatchObject({ error: expect.stringContaining('1 to 100') });
    expect(parseDataRows('[{"sku": "A-1"}, ["B-2"]]')).toEqual({ error: 'Row 2 is not an object of variables (name → value)' });
  });
});
