import { ValidationPipe, type ArgumentMetadata, type Type } from '@nestjs/common';
import { instanceToPlain, type ClassTransformOptions } from 'class-transformer';
import { AppException } from '../errors/app.exception';
import { ErrorCode } from '../errors/error-code';
import { toFieldProblems } from '../errors/validation-problems';
import { plainToDto, prototypeKeyErrors } from '../validation/dto-input';
import { textProblems } from '../validation/text-hygiene';

/**
 * Nest's ValidationPipe, plus two checks of the raw value, before Nest touches it:
 * - text no part of the service can store (U+0000, unpaired surrogates; see text-hygiene.ts), named
 *   by field, instead of a database or validator.js error later;
 * - unknown fields named like Object.prototype members (`constructor`, `toString`, `__proto__`, ...),
 *   which it would otherwise let through silently: Nest deletes some of them from the value in place,
 *   class-transformer drops the rest, and class-validator never sees them.
 */
export class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const text = metadata.type === 'custom' ? [] : textProblems(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
    // Validators may throw on such text (validator.js encodeURI()s e-mails): refuse it before they run.
    if (text.length) throw AppException.validation(text);
    const metatype = this.expectedType ?? metadata.metatype;
    const refused = metatype && this.toValidate({ ...metadata, metatype }) ? prototypeKeyErrors(metatype, value) : [];
    if (!refused.length) return super.transform(value, metadata);
    // Report them together with whatever else is wrong with the value, as one 400.
    let others: ReturnType<typeof toFieldProblems> = [];
    try {
      await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof AppException) || error.code !== ErrorCode.VALIDATION) throw error;
      others = error.details?.problems ?? [];
    }
    throw AppException.validation([...others, ...toFieldProblems(refused)]);
  }
}

/** Global pipe: strips nothing silently — unknown fields are refused, and every problem names its field. */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => AppException.validation(toFieldProblems(errors)),
    // class-transformer would crash on a "constructor" key inside a free-form object (a config, a JSON
    // variable value) and drop keys such as "toString" from it; see dto-input.ts.
    transformerPackage: {
      plainToInstance: <T>(cls: Type<T>, plain: unknown, options?: ClassTransformOptions) => plainToDto(cls as Type<T & object>, plain, options) as T,
      classToPlain: instanceToPlain,
    },
  });
}
