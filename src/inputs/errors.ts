import type { z } from 'zod';

export interface InputIssue {
  /** Dotted path of the field in the input, e.g. "source.paths.0". */
  field: string;
  message: string;
}

/** Bad input: lists every problem, each naming the field and the fix. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly what: string,
    readonly issues: InputIssue[],
  ) {
    super(`invalid ${what}:\n${issues.map((i) => `  - ${i.field}: ${i.message}`).join('\n')}`);
  }
}

function issuesOf(error: z.ZodError): InputIssue[] {
  return error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(input)', message: i.message }));
}

/** Parses `value` with `schema`; throws InputError listing every issue. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InputError(what, issuesOf(result.error));
  return result.data;
}
