import { type PipeTransform, ValidationPipe, type ValidationError } from '@nestjs/common';
import { UUID_PATTERN } from './api-contract';
import { ApiError, badRequest, MAX_LISTED_PROBLEMS } from './api-error';

export interface FieldProblem {
  field: string;
  reason: string;
}

export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/** Validates bodies and queries against their DTOs; unknown properties are refused, not dropped. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const problems = fieldProblems(errors);
      const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
      const more = problems.length - listed.length;
      const message = listed.map((problem) => problem.reason).join('; ') || 'invalid request';
      return new ApiError(400, more > 0 ? `${message}; and ${more} more` : message, { details: listed });
    },
  });
}

const UUID = new RegExp(UUID_PATTERN);

/** `{id}`: a UUID exactly as the document declares it (any version, either case), else 400. */
export const BatchIdPipe: PipeTransform<unknown, string> = {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw badRequest('batch id must be a UUID');
    return value;
  },
};
