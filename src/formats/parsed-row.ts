import type { EndpointRecord } from './endpoint';
import type { ValidateOptions } from './validate-endpoint';

/** One record of an endpoint file: parsed (and validated) or rejected with a reason. */
export type ParsedRow =
  | {
      kind: 'ok';
      line: number;
      endpoint: EndpointRecord;
      /** NDJSON only: the line's JSON text when it holds exactly `endpoint` (no response-only fields). */
      raw?: string;
    }
  | { kind: 'rejected'; line: number; reason: string };

export interface ParseOptions {
  /** Validate each record with validateEndpoint (default true); pass options to tune it, false to skip. */
  validate?: boolean | ValidateOptions;
  /** Longest accepted line (bytes). Default 1 MiB. */
  maxLineBytes?: number;
}

/** A problem with the whole file (e.g. a CSV header naming an unknown field): no row can be read. */
export class EndpointFileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'EndpointFileError';
  }
}

export function validateOptionsOf(opts: ParseOptions): ValidateOptions | undefined {
  if (opts.validate === false) return undefined;
  return opts.validate === true || opts.validate === undefined ? {} : opts.validate;
}
