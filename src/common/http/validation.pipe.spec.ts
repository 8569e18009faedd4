import type { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { AppException } from '../errors/app.exception';
import { ErrorCode } from '../errors/error-code';
import { createValidationPipe } from './validation.pipe';

class Item {
  @IsInt() qty: number;
}

class Order {
  @IsString() name: string;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => Item) items?: Item[];
  @IsOptional() @IsObject() data?: Record<string, unknown>;
}

const body = (metatype: ArgumentMetadata['metatype'] = Order): ArgumentMetadata => ({ type: 'body', metatype, data: '' });
/** JSON.parse, as body-parser does: `__proto__` and `constructor` keys become own properties. */
const json = (text: string) => JSON.parse(text) as unknown;

async function refusal(value: unknown, metadata = body()) {
  try {
    await createValidationPipe().transform(value, metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(AppException);
    expect((error as AppException).code).toBe(ErrorCode.VALIDATION);
    return (error as AppException).details?.problems;
  }
  throw new Error('accepted');
}

describe('global validation pipe', () => {
  it('refuses an unknown top-level field named like an Object.prototype member, as any unknown field', async () => {
    for (const key of [...Object.getOwnPropertyNames(Object.prototype), 'prototype']) {
      expect(await refusal(json(`{"name":"n",${JSON.stringify(key)}:1}`))).toEqual([{ field: key, message: `property ${key} should not exist` }]);
    }
    expect(await refusal(json('{"name":"n","other":1}'))).toEqual([{ field: 'other', message: 'property other should not exist' }]);
  });

  it('refuses them in nested validated DTOs too, and reports them with the other problems', async () => {
    expect(await refusal(json('{"items":[{"qty":1},{"qty":"x","hasOwnProperty":1}],"constructor":{}}'))).toEqual([
      { field: 'name', message: 'name must be a string' },
      { field: 'items.1.qty', message: 'qty must be an integer number' },
      { field: 'items.1.hasOwnProperty', message: 'property hasOwnProperty should not exist' },
      { field: 'constructor', message: 'property constructor should not exist' },
    ]);
  });

  it('accepts such keys inside free-form values (no 500 from class-transformer)', async () => {
    const order = (await createValidationPipe().transform(json('{"name":"n","data":{"constructor":1,"toString":"t","nested":[{"valueOf":2}]}}'), body())) as Order;
    expect(order).toBeInstanceOf(Order);
    // Nest's own pipe deletes "constructor", "prototype" and "__proto__" keys anywhere in a value; the rest stay.
    expect(order.data).toEqual({ toString: 't', nested: [{ valueOf: 2 }] });
  });

  it('leaves values it does not validate alone', async () => {
    const raw = json('{"constructor":1}');
    expect(await createValidationPipe().transform(raw, { type: 'custom', metatype: Order, data: '' })).toBe(raw);
    expect(await createValidationPipe().transform(raw, body(Object))).toBe(raw);
  });
});
