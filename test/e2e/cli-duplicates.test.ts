/**
 * Duplicates are told, not hidden: an import whose rows repeat endpoint Ids (within a file, or the same file given
 * twice) runs, and the report, the CLI's summary and `--json` say how many Ids appear more than once — counts and
 * line numbers, never the Ids. The Pinpoint emulator holds the last row of each. `audienceflow worker` and the CLI as
 * child processes on a real Temporal server, real S3 (SeaweedFS) and the emulator.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { GetEndpointCommand, PinpointClient } from '@aws-sdk/client-pinpoint';
import type { ImportReport } from '../../src/contracts';
import { startStack } from '../harness';
import type { TestStack } from '../harness';
import type { CliWorker } from './cli-support';
import { cliEnv, createApp, emulatorAdmin, runCli, startCliWorker } from './cli-support';

const HEADER = 'Id,ChannelType,Address,Attributes.plan';
/** Ten endpoints, then four rows repeating three of their Ids (dup-1 twice), with new values: lines 12–15. */
const ROWS = [
  ...Array.from({ length: 10 }, (_, i) => `dup-${i},EMAIL,first.${i}@example.com,free`),
  'dup-1,EMAIL,second.1@example.com,pro',
  'dup-4,EMAIL,last.4@example.com,pro',
  'dup-7,EMAIL,last.7@example.com,pro',
  'dup-1,EMAIL,last.1@example.com,team',
];

describe('audienceflow import: repeated endpoint Ids are counted and reported', () => {
  let stack: TestStack;
  let env: NodeJS.ProcessEnv;
  let worker: CliWorker;
  let dir: string;
  let pinpoint: PinpointClient;

  beforeAll(async () => {
    stack = await startStack();
    env = cliEnv(stack, `cli-dups-${randomUUID()}`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-duplicates-'));
    fs.writeFileSync(path.join(dir, 'dups.csv'), `${[HEADER, ...ROWS].join('\n')}\n`);
    pinpoint = new PinpointClient({
      endpoint: stack.emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    worker = await startCliWorker(env);
  });
  afterAll(async () => {
    pinpoint?.destroy();
    await worker?.stop();
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const endpoint = async (app: string, id: string) =>
    (await pinpoint.send(new GetEndpointCommand({ ApplicationId: app, EndpointId: id }))).EndpointResponse!;

  it('a CSV with 3 repeated ids: the import runs, the summary says 3, the last row of each wins', async () => {
    const app = await createApp(stack);
    const r = await runCli(['import', '--app', app, 'dups.csv', '--wait'], env, 120_000, dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/status\s+COMPLETED/);
    expect(r.stdout).toContain(
      '3 ids appear more than once; the last row of each wins (repeating rows include dups.csv line 12, ' +
        'dups.csv line 13, dups.csv line 14, dups.csv line 15)',
    );
    expect(r.stdout).toMatch(/duplicate ids\s+3\n/);
    expect(r.stdout).toMatch(/uploaded\s+14\n/);
    expect(r.stdout).not.toMatch(/dup-\d/); // line numbers, never the ids

    const counts = await emulatorAdmin<{ byApp: Record<string, { endpoints: number }> }>(stack, 'GET', 'counts');
    expect(counts.byApp[app]?.endpoints).toBe(10);
    const got = await Promise.all(['dup-1', 'dup-4', 'dup-7', 'dup-0'].map((id) => endpoint(app, id)));
    expect(got.map((e) => [e.Address, e.Attributes?.plan])).toEqual([
      ['last.1@example.com', ['team']],
      ['last.4@example.com', ['pro']],
      ['last.7@example.com', ['pro']],
      ['first.0@example.com', ['free']],
    ]);
  });

  it('the same file given twice: every id is told as repeated, in the --json report too', async () => {
    const app = await createApp(stack);
    const r = await runCli(['import', '--app', app, 'dups.csv', 'dups.csv', '--wait', '--json'], env, 120_000, dir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ImportReport;
    expect(report.status).toBe('COMPLETED');
    expect(report.totals).toMatchObject({ uploaded: 28, duplicateIds: 10, rejectedLocally: 0 });
    expect(report.message).toMatch(
      /^10 ids appear more than once; the last row of each wins \(repeating rows include /,
    );
    expect((await endpoint(app, 'dup-1')).Address).toBe('last.1@example.com');
  });

  it('a file without repeats says nothing of them, and its report counts 0', async () => {
    const app = await createApp(stack);
    fs.writeFileSync(path.join(dir, 'unique.csv'), `${[HEADER, ...ROWS.slice(0, 10)].join('\n')}\n`);
    const r = await runCli(['import', '--app', app, 'unique.csv', '--wait', '--json'], env, 120_000, dir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ImportReport;
    expect(report.totals.duplicateIds).toBe(0);
    expect(report.message ?? '').not.toContain('more than once');
  });
});
