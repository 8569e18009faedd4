import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/**
 * A custom property constraint: `check` returns the problem (without the property name) or null, and
 * the message reads `<property> <problem>`. Shared by resource-type and step-config DTOs.
 */
export function Satisfies(name: string, check: (value: unknown, args: ValidationArguments) => string | null, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    let problem: string | null = null;
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          problem = check(value, args);
          return problem === null;
        },
        defaultMessage: () => `$property ${problem ?? 'is invalid'}`,
      },
    });
  };
}
