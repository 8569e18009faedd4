import { ValidationPipe } from '@nestjs/common';
import { AppException } from '../errors/app.exception';
import { toFieldProblems } from '../errors/validation-problems';

/** Global pipe: strips nothing silently — unknown fields are refused, and every problem names its field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => AppException.validation(toFieldProblems(errors)),
  });
}
