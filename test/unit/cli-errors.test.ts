import { CommanderError } from 'commander';
import { ExitCode } from '../../src/contracts/failures';
import { CliError, badInput } from '../../src/cli/errors';
import { errorChain, reportError } from '../../src/cli/main';
import { InputError } from '../../src/inputs';

describe('CLI error reporting', () => {
  let written: string;
  let spy: jest.SpyInstance;
  beforeEach(() => {
    written = '';
    spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    });
  });
  afterEach(() => spy.mockRestore());

  it('joins the messages along the cause chain', () => {
    const inner = new Error(
      '3 INVALID_ARGUMENT: Namespace default has no mapping defined for search attribute AudienceflowPipeline\nmore',
    );
    expect(errorChain(new Error('Failed to start Workflow', { cause: inner }))).toBe(
      'Failed to start Workflow: 3 INVALID_ARGUMENT: Namespace default has no mapping defined for search attribute AudienceflowPipeline',
    );
  });

  it('maps errors to exit codes with a message', () => {
    expect(reportError(badInput('--app', 'is required', 'pass --app <id>'))).toBe(ExitCode.BadInput);
    expect(written).toBe('audienceflow: --app: is required. Fix: pass --app <id>\n');
    expect(reportError(new CliError('cannot reach Temporal at x', ExitCode.Error))).toBe(ExitCode.Error);
    expect(reportError(new InputError('export input', [{ field: 'applicationId', message: 'bad' }]))).toBe(
      ExitCode.BadInput,
    );
    expect(reportError(new CommanderError(1, 'commander.unknownOption', "unknown option '--x'"))).toBe(
      ExitCode.BadInput,
    );
    expect(reportError(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(ExitCode.Ok);
  });

  it('explains unregistered search attributes', () => {
    const e = new Error('Failed to list workflows', {
      cause: new Error('3 INVALID_ARGUMENT: invalid query: invalid search attribute: AudienceflowPipeline'),
    });
    expect(reportError(e)).toBe(ExitCode.Error);
    expect(written).toContain('temporal operator search-attribute create --name AudienceflowStatus --type Keyword');
    written = '';
    expect(reportError(new Error('boom'))).toBe(ExitCode.Error);
    expect(written).toBe('audienceflow: internal error: boom\n');
  });
});
