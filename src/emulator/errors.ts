/**
 * Service errors as Pinpoint sends them (restJson1): status, `x-amzn-ErrorType`, `x-amzn-RequestId`,
 * body {"Message","RequestID"}. The SDK turns them into its typed exceptions.
 */
export type ErrorType =
  | 'BadRequestException'
  | 'ForbiddenException'
  | 'NotFoundException'
  | 'MethodNotAllowedException'
  | 'ConflictException'
  | 'PayloadTooLargeException'
  | 'TooManyRequestsException'
  | 'InternalServerErrorException';

const STATUS: Record<ErrorType, number> = {
  BadRequestException: 400,
  ForbiddenException: 403,
  NotFoundException: 404,
  MethodNotAllowedException: 405,
  ConflictException: 409,
  PayloadTooLargeException: 413,
  TooManyRequestsException: 429,
  InternalServerErrorException: 500,
};

export class ServiceError extends Error {
  readonly status: number;
  constructor(
    readonly type: ErrorType,
    message: string,
  ) {
    super(message);
    this.status = STATUS[type];
  }
}

export const badRequest = (message: string): ServiceError => new ServiceError('BadRequestException', message);
export const notFound = (what: string): ServiceError =>
  new ServiceError('NotFoundException', `Resource not found (${what})`);
