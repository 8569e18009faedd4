/** Rows one batch may hold: the service's limit (RUN_BATCH_MAX of POST /flows/run-batch). */
export const MAX_DATA_ROWS = 100;

export type DataRows = { rows: Array<Record<string, unknown>> } | { error: string };

/**
 * The "test data" of the run dialog: a JSON array of 1 to MAX_DATA_ROWS objects, each a row of
 * variables (name → value) for one run. Blank text means no test data (a single run).
 */
export function parseDataRows(text: string): DataRows | undefined {
  if (!text.trim()) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { error: `Test data is not JSON: ${(error as Error).message}` };
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > MAX_DATA_ROWS) {
    return { error: `Test data must be a JSON array of 1 to ${MAX_DATA_ROWS} rows, each an object of variables` };
  }
  const bad = parsed.findIndex((row) => typeof row !== 'object' || row === null || Array.isArray(row));
  if (bad >= 0) return { error: `Row ${bad + 1} is not an object of variables (name → value)` };
  return { rows: parsed as Array<Record<string, unknown>> };
}
