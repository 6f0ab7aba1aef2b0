/**
 * The pipeline flags: each declared once (syntax, help, input field), mapped to a draft input, checked by the
 * pipeline's own schema, its issues named by flag. Every flag sets a field its pipeline's schema knows.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { CliError } from '../../src/cli/errors';
import { addFlags, flagForField, inputFromFlags, validatedInput } from '../../src/cli/flags';
import type { PipelineFlag } from '../../src/cli/flags';
import { durationMs, pairs } from '../../src/cli/flag-values';
import { EXPORT_FLAGS, IMPORT_FLAGS, JOB_FLAGS, SYNC_FLAGS } from '../../src/cli/options';
import { ExitCode } from '../../src/contracts/failures';
import { exportInputSchema, importInputSchema } from '../../src/inputs';
import { InputError } from '../../src/inputs/errors';
import { syncInputSchema } from '../../src/inputs/sync-input';
import { transformSpecSchema } from '../../src/transforms';

const FLAGS: PipelineFlag[] = [
  { syntax: '--app <id>', help: 'application', field: 'applicationId' },
  { syntax: '--s3 <url>', help: 'work area', field: 's3Url', env: 'TEST_S3' },
  { syntax: '--max-wait <duration>', help: 'longest wait', field: 'poll.maxWaitMs', text: durationMs },
  { syntax: '--set <path=value>', help: 'set a field', field: 'transform.set', list: pairs('write key=value') },
  { syntax: '--dry-run', help: 'only report', field: 'dryRun', default: false },
  { syntax: '--no-register', help: 'do not register', field: 'register', default: true },
];

describe('pipeline flags', () => {
  it('registers each flag with its default, collecting repeatable ones', () => {
    const cmd = addFlags(new Command().exitOverride(), FLAGS);
    cmd.parse(['--app', 'a', '--set', 'x=1', '--set', 'y=2', '--no-register'], { from: 'user' });
    expect(cmd.opts()).toEqual({ app: 'a', set: ['x=1', 'y=2'], dryRun: false, register: false });
  });

  it('maps flags to nested fields, reads the environment fallback and keeps switches that are on', () => {
    const raw = { app: 'a', maxWait: '2m', set: ['x=1'], dryRun: false };
    expect(inputFromFlags(raw, FLAGS, { TEST_S3: 's3://b/p/' }, '/')).toEqual({
      applicationId: 'a',
      s3Url: 's3://b/p/',
      poll: { maxWaitMs: 120_000 },
      transform: { set: { x: '1' } },
      register: true,
    });
    expect(inputFromFlags({ s3: 's3://given/', dryRun: true, register: false }, FLAGS, { TEST_S3: 'x' }, '/')).toEqual({
      s3Url: 's3://given/',
      dryRun: true,
      register: false,
    });
  });

  it('refuses text that is not of the flag’s syntax, naming the flag', () => {
    expect(() => inputFromFlags({ maxWait: 'soon' }, FLAGS, {}, '/')).toThrow(
      '--max-wait: "soon" is not a duration. Fix: write e.g. 500ms, 10s, 5m, 6h or 1d',
    );
  });

  it('finds the flag behind a field path, skipping list indices', () => {
    expect(flagForField('transform.set.Location.Country', FLAGS)).toBe('--set');
    expect(flagForField('register', FLAGS)).toBe('--no-register');
    expect(flagForField('source.paths.3', FLAGS, { source: '<sources>' })).toBe('<sources>');
    expect(flagForField('unknown.field', FLAGS)).toBe('unknown.field');
    const withSegments = [...FLAGS, { syntax: '--segment <id>', help: 'segments', field: 'segments' }];
    expect(flagForField('segments.2.status.0', withSegments, { 'segments.status': '--segment-status' })).toBe(
      '--segment-status',
    );
    expect(flagForField('segments.2.segmentId', withSegments)).toBe('--segment');
  });

  it('turns the schema’s issues into lines naming the flags, with the environment fallback of a missing one', () => {
    const validate = (input: unknown) => {
      const r = z
        .object({
          applicationId: z.string().regex(/^a+$/, 'is not a. Fix: write a'),
          s3Url: z.string('is required. Fix: give it'),
        })
        .safeParse(input);
      if (!r.success)
        throw new InputError(
          'test input',
          r.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
        );
      return r.data;
    };
    let error: unknown;
    try {
      validatedInput(validate, { applicationId: 'b' }, FLAGS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(ExitCode.BadInput);
    expect((error as CliError).message).toBe(
      '--app: is not a. Fix: write a\n--s3: is required. Fix: give it or set TEST_S3 (`audienceflow stack up` does)',
    );
    expect(validatedInput(validate, { applicationId: 'a', s3Url: 's3://b/' }, FLAGS)).toEqual({
      applicationId: 'a',
      s3Url: 's3://b/',
    });
  });
});

/** The top-level keys of a zod object schema. */
function keysOf(schema: z.ZodType): string[] {
  return Object.keys((schema as unknown as z.ZodObject).shape);
}

describe('every pipeline flag sets a field of its pipeline’s input', () => {
  it.each([
    ['export', [...EXPORT_FLAGS, ...JOB_FLAGS], exportInputSchema],
    ['import', IMPORT_FLAGS, importInputSchema],
    ['sync', SYNC_FLAGS, syncInputSchema],
  ] as const)('%s', (_name, flags, schema) => {
    for (const { syntax, field } of flags) {
      const [top, inner] = field.split('.');
      expect({ syntax, known: keysOf(schema).includes(top ?? '') }).toEqual({ syntax, known: true });
      if (top === 'transform')
        expect({ syntax, known: keysOf(transformSpecSchema).includes(inner ?? '') }).toEqual({ syntax, known: true });
      if (top === 'poll')
        expect({ syntax, known: ['initialIntervalMs', 'maxIntervalMs', 'maxWaitMs'].includes(inner ?? '') }).toEqual({
          syntax,
          known: true,
        });
    }
  });
});
