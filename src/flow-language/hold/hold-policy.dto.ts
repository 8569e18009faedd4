import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import type { HoldPolicy } from './hold-policy';

/** The longest window: a step's own timeout bound (an hour); a longer hold holds a worker slot for longer than any step may. */
export const HOLD_LIMITS = {
  durationMs: { min: 1, max: 3_600_000 },
  // A check every few milliseconds is a load test of the target, not a stability check.
  intervalMs: { min: 10, max: 3_600_000 },
} as const;

/**
 * A step's `holdFor` in a flow definition. intervalMs ≤ durationMs and "not with retry, not in the
 * background" are rules across fields, checked by checkHoldRules.
 */
export class HoldPolicyDto implements HoldPolicy {
  @ApiProperty({
    description: 'How long the step must keep holding, in milliseconds from its first check. The last check runs at +durationMs.',
    minimum: HOLD_LIMITS.durationMs.min,
    maximum: HOLD_LIMITS.durationMs.max,
    example: 5000,
  })
  @IsInt()
  @Min(HOLD_LIMITS.durationMs.min)
  @Max(HOLD_LIMITS.durationMs.max)
  durationMs: number;

  @ApiProperty({
    description: 'Time between the starts of two checks, in milliseconds (at most durationMs).',
    minimum: HOLD_LIMITS.intervalMs.min,
    maximum: HOLD_LIMITS.intervalMs.max,
    example: 1000,
  })
  @IsInt()
  @Min(HOLD_LIMITS.intervalMs.min)
  @Max(HOLD_LIMITS.intervalMs.max)
  intervalMs: number;
}
