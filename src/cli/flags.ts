/**
 * The flags of the pipeline commands, each declared once: its commander syntax and help, the input field it sets and
 * how its text becomes the field's value. The CLI only maps flags to fields; the pipeline's input schema (src/inputs,
 * the same the first activity applies) holds every rule and message, and its issues come back named by flag:
 * `--role-arn: "admin" is not an IAM role ARN. Fix: …`.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { ExitCode } from '../contracts/failures';
import { InputError } from '../inputs/errors';
import { CliError } from './errors';
import { collect } from './parse';

/** What a flag's converter may need besides the text. */
export interface FlagContext {
  /** The flag, for the messages of text it cannot read (`--max-wait: "soon" is not a duration. Fix: …`). */
  flag: string;
  /** Relative local paths are resolved against it. */
  cwd: string;
}

export interface PipelineFlag {
  /** Commander syntax: '--app <id>', '--dry-run', '--no-register-endpoints'. */
  syntax: string;
  help: string;
  /** Dotted path of the input field the flag sets, e.g. 'poll.maxWaitMs' or 'transform.set'. */
  field: string;
  /** The flag's text → the field's value; throws a BadInputError when the text is not of the flag's syntax. */
  text?: (text: string, at: FlagContext) => unknown;
  /** A repeatable flag: every use adds to the list given to this converter. */
  list?: (items: string[], at: FlagContext) => unknown;
  /** Environment variable read when the flag is not given (`audienceflow stack up` writes it). */
  env?: string;
  /** Commander's default. A switch defaulting to true (`--no-…`) always sets its field; others only when on. */
  default?: string | boolean;
}

/** The key commander stores a flag's value under ('--no-register-endpoints' → 'registerEndpoints'). */
export function flagKey(def: PipelineFlag): string {
  return new Option(def.syntax).attributeName();
}

/** The flag as the user types it ('--role-arn'). */
export function flagName(def: PipelineFlag): string {
  return new Option(def.syntax).long ?? def.syntax;
}

/** Adds the flags to a command, in order. */
export function addFlags(cmd: Command, defs: readonly PipelineFlag[]): Command {
  for (const def of defs) {
    const option = new Option(def.syntax, def.help);
    if (def.list) option.argParser(collect);
    if (def.default !== undefined && !def.syntax.startsWith('--no-')) option.default(def.default);
    cmd.addOption(option);
  }
  return cmd;
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  const last = parts.pop() ?? dotted;
  let at = target;
  for (const part of parts) {
    let next = at[part];
    if (typeof next !== 'object' || next === null) {
      next = {};
      at[part] = next;
    }
    at = next as Record<string, unknown>;
  }
  at[last] = value;
}

/** The flags' values (or their environment fallbacks) as a draft input for the pipeline's schema. */
export function inputFromFlags(
  raw: Readonly<Record<string, unknown>>,
  defs: readonly PipelineFlag[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const def of defs) {
    const at = { flag: flagName(def), cwd };
    const given = raw[flagKey(def)] ?? (def.env === undefined ? undefined : env[def.env]) ?? switchDefault(def);
    if (given === undefined || (given === false && def.default !== true)) continue;
    if (def.list && Array.isArray(given)) setPath(input, def.field, def.list(given.map(String), at));
    else if (def.text && typeof given === 'string') setPath(input, def.field, def.text(given, at));
    else setPath(input, def.field, given);
  }
  return input;
}

function switchDefault(def: PipelineFlag): boolean | undefined {
  return def.default === true ? true : undefined;
}

/** The flag behind an input field path ("poll.maxWaitMs" → --max-wait, "transform.set.Id" → --set); `others` names
 * what the user gave for fields no flag sets (the sources on the command line). */
export function flagForField(
  field: string,
  defs: readonly PipelineFlag[],
  others: Readonly<Record<string, string>> = {},
): string {
  // List indices name no flag: 'source.paths.0' is 'source.paths', 'segments.2.status.0' is 'segments.status'.
  const parts = field.split('.').filter((part) => !/^\d+$/.test(part));
  for (let i = parts.length; i > 0; i--) {
    const prefix = parts.slice(0, i).join('.');
    const def = defs.find((d) => d.field === prefix);
    if (def) return flagName(def);
    const other = others[prefix];
    if (other) return other;
  }
  return field;
}

/**
 * Runs the pipeline's validation over the draft input; each issue becomes a line naming the flag. A required field
 * whose flag has an environment fallback says so, as it was neither given nor set.
 */
export function validatedInput<T>(
  validate: (input: unknown) => T,
  draft: Record<string, unknown>,
  defs: readonly PipelineFlag[],
  others: Readonly<Record<string, string>> = {},
): T {
  try {
    return validate(draft);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const lines = e.issues.map((issue) => {
      const envDef = defs.find((d) => d.field === issue.field && d.env !== undefined);
      const hint =
        envDef && issue.message.startsWith('is required')
          ? ` or set ${envDef.env} (\`audienceflow stack up\` does)`
          : '';
      return `${flagForField(issue.field, defs, others)}: ${issue.message}${hint}`;
    });
    throw new CliError(lines.join('\n'), ExitCode.BadInput);
  }
}
