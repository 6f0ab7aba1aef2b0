import { ExitCode } from '../contracts/failures';

/** An error the CLI turns into a message and an exit code (no stack trace). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Input the user must fix, found before any remote call. The message names the option,
 * the problem and the fix, e.g. `--app: "x y" is not an application id. Fix: pass ...`.
 */
export class BadInputError extends CliError {
  constructor(
    readonly option: string,
    problem: string,
    readonly fix: string,
  ) {
    super(`${option}: ${problem}. Fix: ${fix}`, ExitCode.BadInput);
    this.name = 'BadInputError';
  }
}

export function badInput(option: string, problem: string, fix: string): BadInputError {
  return new BadInputError(option, problem, fix);
}
