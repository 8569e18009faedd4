import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { RetryPolicyDto } from './retry-policy.dto';
import { resolveRetryPolicy } from './retry-policy';

function invalidFields(input: Record<string, unknown>): string[] {
  return validateSync(plainToInstance(RetryPolicyDto, input), { whitelist: true, forbidNonWhitelisted: true }).map(
    (error) => error.property,
  );
}

describe('RetryPolicyDto', () => {
  it('accepts an empty policy, bounds and a fractional multiplier', () => {
    expect(invalidFields({})).toEqual([]);
    expect(invalidFields({ maxRetries: 0, initialDelayMs: 0, backoffMultiplier: 1, maxDelayMs: 0 })).toEqual([]);
    expect(invalidFields({ maxRetries: 100, initialDelayMs: 600000, backoffMultiplier: 10, maxDelayMs: 600000 })).toEqual([]);
    expect(invalidFields({ backoffMultiplier: 1.5 })).toEqual([]);
  });

  it.each([
    [{ maxRetries: -1 }, 'maxRetries'],
    [{ maxRetries: 101 }, 'maxRetries'],
    [{ maxRetries: 1.5 }, 'maxRetries'],
    [{ maxRetries: '3' }, 'maxRetries'],
    [{ initialDelayMs: -1 }, 'initialDelayMs'],
    [{ initialDelayMs: 600001 }, 'initialDelayMs'],
    [{ maxDelayMs: 600001 }, 'maxDelayMs'],
    [{ backoffMultiplier: 0.5 }, 'backoffMultiplier'],
    [{ backoffMultiplier: 11 }, 'backoffMultiplier'],
    [{ backoffMultiplier: Number.NaN }, 'backoffMultiplier'],
    [{ jitter: true }, 'jitter'],
  ])('refuses %j', (input, field) => {
    expect(invalidFields(input)).toEqual([field]);
  });

  it('fills the missing fields with defaults through resolveRetryPolicy', () => {
    const dto = plainToInstance(RetryPolicyDto, { maxRetries: 1 });
    expect(resolveRetryPolicy(dto)).toEqual({ maxRetries: 1, initialDelayMs: 1000, backoffMultiplier: 2, maxDelayMs: 30000 });
  });
});
