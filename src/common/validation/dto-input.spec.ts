import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, ValidateNested, validateSync } from 'class-validator';
import { toFieldProblems } from '../errors/validation-problems';
import { dtoToPlain, plainToDto, prototypeKeyErrors } from './dto-input';

class Retry {
  @IsInt() max: number;
}

class Step {
  @IsString() name: string;
  @IsObject() config: Record<string, unknown>;
  @IsOptional() @ValidateNested() @Type(() => Retry) retry?: Retry;
}

class Flow {
  @IsString() name: string;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => Step) steps?: Step[];
  @IsOptional() @Type(() => Number) @IsInt() page?: number;
  @IsOptional() @IsObject() @Transform(({ value }) => ({ ...(value as object), transformed: true }), { toClassOnly: true }) labels?: Record<string, unknown>;
  @IsOptional() @IsString() region = 'eu';
}

/** JSON.parse, as body-parser does: `__proto__` and `constructor` keys become own properties. */
const json = (text: string) => JSON.parse(text) as Record<string, unknown>;
const problems = (raw: unknown, cls: new () => object = Flow) => toFieldProblems(prototypeKeyErrors(cls, raw));

describe('plainToDto', () => {
  it('reproduces the class-transformer flaw it works around', () => {
    expect(() => plainToInstance(Flow, json('{"name":"f","steps":[{"name":"s","config":{"constructor":1}}]}'))).toThrow(TypeError);
  });

  it('keeps free-form values as data, every key included, without sharing them with the input', () => {
    const raw = json('{"name":"f","steps":[{"name":"s","config":{"constructor":1,"toString":"t","__proto__":{"polluted":true},"deep":[{"constructor":{"a":1}}]}}]}');
    const flow = plainToDto(Flow, raw);
    const config = flow.steps![0].config;
    expect(flow).toBeInstanceOf(Flow);
    expect(flow.steps![0]).toBeInstanceOf(Step);
    expect(Object.keys(config)).toEqual(['constructor', 'toString', '__proto__', 'deep']);
    expect(config.constructor).toBe(1);
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype); // "__proto__" stayed data
    expect(Object.getOwnPropertyDescriptor(config, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(config).toEqual((raw.steps as Array<{ config: unknown }>)[0].config);
    expect(config).not.toBe((raw.steps as Array<{ config: unknown }>)[0].config);
    expect(validateSync(flow, { whitelist: true, forbidNonWhitelisted: true })).toEqual([]);
  });

  it('still builds nested DTOs, applies defaults, conversions and @Transform', () => {
    const flow = plainToDto(Flow, json('{"name":"f","page":"2","steps":[{"name":"s","config":{},"retry":{"max":3}}],"labels":{"toString":"x"}}'), { exposeDefaultValues: true });
    expect(flow.steps![0].retry).toBeInstanceOf(Retry);
    expect(flow.page).toBe(2);
    expect(flow.region).toBe('eu');
    expect(flow.labels).toEqual({ toString: 'x', transformed: true });
  });

  it('does not coerce an object where a number is expected (its own toString would throw)', () => {
    const flow = plainToDto(Flow, json('{"name":"f","page":{"toString":1,"valueOf":1}}'));
    expect(flow.page).toEqual({ toString: 1, valueOf: 1 });
    expect(toFieldProblems(validateSync(flow)).map((p) => p.field)).toEqual(['page']);
  });

  it('leaves prototype-named keys out of DTO instances (prototypeKeyErrors reports them)', () => {
    const flow = plainToDto(Flow, json('{"name":"f","constructor":1,"toString":"x","prototype":{"constructor":1}}'));
    for (const key of ['constructor', 'toString', 'prototype']) expect(Object.prototype.hasOwnProperty.call(flow, key)).toBe(false);
    expect(flow.constructor).toBe(Flow);
    expect(flow.name).toBe('f');
  });
});

describe('dtoToPlain', () => {
  it('turns a DTO back into plain data, free-form values with every key', () => {
    const raw = json('{"name":"f","steps":[{"name":"s","config":{"constructor":"c","headers":{"toString":"t"}},"retry":{"max":1}}]}');
    const plain = dtoToPlain(Flow, plainToDto(Flow, raw), { exposeUnsetFields: false });
    expect(plain).toEqual({ name: 'f', region: 'eu', steps: [{ name: 's', config: { constructor: 'c', headers: { toString: 't' } }, retry: { max: 1 } }] });
    expect(Object.getPrototypeOf(plain.steps)).toBe(Array.prototype);
  });
});

describe('prototypeKeyErrors', () => {
  const message = (key: string) => `property ${key} should not exist`;

  it('reports every unknown key named like an Object.prototype member, and "prototype"', () => {
    for (const key of [...Object.getOwnPropertyNames(Object.prototype), 'prototype']) {
      const raw = json(`{"name":"f",${JSON.stringify(key)}:1}`);
      expect(problems(raw)).toEqual([{ field: key, message: message(key) }]);
    }
  });

  it('looks into nested validated DTOs, with the path class-validator would give', () => {
    const raw = json('{"name":"f","steps":[{"name":"a","config":{}},{"name":"b","config":{},"retry":{"max":1,"__proto__":{}},"valueOf":0}]}');
    expect(problems(raw)).toEqual([
      { field: 'steps.1.retry.__proto__', message: message('__proto__') },
      { field: 'steps.1.valueOf', message: message('valueOf') },
    ]);
  });

  it('leaves free-form values, ordinary unknown fields and non-objects alone', () => {
    expect(problems(json('{"name":"f","labels":{"constructor":1},"steps":[{"config":{"toString":1}}],"other":1}'))).toEqual([]);
    expect(problems('text')).toEqual([]);
    expect(problems([{ constructor: 1 }])).toEqual([]);
  });
});
