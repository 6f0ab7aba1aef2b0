/** Checks of request fields shared by routes; each throws a BadRequestException naming the field and the fix. */
import { IAM_ROLE_ARN, IAM_ROLE_ARN_FORM } from '../../contracts/id-patterns';
import { parseS3Url } from '../../contracts/s3-location';
import { badRequest } from '../errors';

export function requireString(body: Record<string, unknown>, field: string): string {
  const v = body[field];
  if (v === undefined || v === null || v === '') throw badRequest(`${field} is required`);
  if (typeof v !== 'string') throw badRequest(`${field} must be a string`);
  return v;
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`${field} must be a string`);
  return v;
}

export function optionalBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`${field} must be true or false`);
  return v;
}

export function roleArn(body: Record<string, unknown>): string {
  const arn = requireString(body, 'RoleArn');
  if (!IAM_ROLE_ARN.test(arn)) {
    throw badRequest(`RoleArn "${arn}" is not an IAM role ARN (${IAM_ROLE_ARN_FORM})`);
  }
  return arn;
}

export function s3Url(body: Record<string, unknown>, field: string): string {
  const url = requireString(body, field);
  try {
    parseS3Url(url, field);
  } catch (err) {
    throw badRequest((err as Error).message);
  }
  return url;
}

export function tags(body: Record<string, unknown>): Record<string, string> | undefined {
  const t = body.tags;
  if (t === undefined || t === null) return undefined;
  if (typeof t !== 'object' || Array.isArray(t) || Object.values(t).some((v) => typeof v !== 'string')) {
    throw badRequest('tags must map tag keys to string values');
  }
  return t as Record<string, string>;
}
