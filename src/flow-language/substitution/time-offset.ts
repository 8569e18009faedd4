const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const OFFSET = /^([+-]?)(\d{1,9})(ms|s|m|h|d|w)$/;

/** Milliseconds of an offset such as "+5m", "-1h", "30s", "+2d"; undefined when it is not one. */
export function parseTimeOffset(text: string): number | undefined {
  const match = OFFSET.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[2]) * UNIT_MS[match[3]];
  return match[1] === '-' ? -ms : ms;
}
