import { z } from 'zod';
import type { TransformSpec } from '../contracts/sync';
import { CHANNEL_TYPES } from './endpoint-fields';
import { checkAttributeName, compileSetOperation } from './set-fields';

const attributeName = z.string().superRefine((name, ctx) => {
  const bad = checkAttributeName(name, 'attribute');
  if (bad) ctx.addIssue({ code: 'custom', message: bad });
});

/** zod schema of a TransformSpec (src/contracts/sync.ts); unknown keys are errors, so typos surface. */
export const transformSpecSchema = z
  .strictObject({
    keepChannelTypes: z
      .array(
        z.enum(CHANNEL_TYPES, {
          error: (issue) =>
            `"${String(issue.input)}" is not a channel type. Fix: use one of ${CHANNEL_TYPES.join(', ')}`,
        }),
      )
      .min(1, 'keeps no channel type at all. Fix: list at least one (e.g. ["EMAIL"]) or leave the option out')
      .optional(),
    dropOptedOut: z.boolean().optional(),
    dropInactive: z.boolean().optional(),
    includeAttributes: z
      .array(attributeName)
      .min(1, 'is empty. Fix: list the attribute names to keep, or leave the option out')
      .optional(),
    excludeAttributes: z.array(attributeName).optional(),
    renameAttributes: z.record(attributeName, attributeName).optional(),
    set: z
      .record(
        z.string(),
        z.string({
          error: 'must be text. Fix: give values to set as strings (numbers are parsed where the field is numeric)',
        }),
      )
      .superRefine((set, ctx) => {
        for (const [path, value] of Object.entries(set)) {
          const op = compileSetOperation(path, value);
          if (typeof op === 'string') ctx.addIssue({ code: 'custom', path: [path], message: op });
        }
      })
      .optional(),
  })
  .superRefine((spec, ctx) => {
    const excluded = new Set(spec.excludeAttributes ?? []);
    for (const name of spec.includeAttributes ?? []) {
      if (excluded.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['excludeAttributes'],
          message: `"${name}" is both included and excluded. Fix: keep it in one list only`,
        });
      }
    }
    const targets = new Map<string, string>();
    for (const [from, to] of Object.entries(spec.renameAttributes ?? {})) {
      const other = targets.get(to);
      if (other !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['renameAttributes', from],
          message: `"${other}" and "${from}" are both renamed to "${to}". Fix: give them different names`,
        });
      }
      targets.set(to, from);
    }
  });

/** Thrown by parseTransformSpec; `issues` lists every problem, the message all of them. */
export class TransformSpecError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid transform: ${issues.join('; ')}`);
    this.name = 'TransformSpecError';
  }
}

/**
 * Validates a transform given as an object (e.g. parsed from a --transform JSON file) and
 * returns it typed. Every problem is reported at once, each prefixed with its option path.
 */
export function parseTransformSpec(input: unknown): TransformSpec {
  const result = transformSpecSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const where = issue.path.map(String).join('.');
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  throw new TransformSpecError(issues);
}
