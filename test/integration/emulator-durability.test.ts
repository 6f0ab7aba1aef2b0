/**
 * --data-dir durability: state survives a clean restart and a SIGKILL, jobs that were running
 * resume, and the CLI command and the standalone entry start, print their address and stop cleanly.
 */
import {
  CreateAppCommand,
  CreateImportJobCommand,
  DeleteEndpointCommand,
  GetAppCommand,
  GetEndpointCommand,
  GetImportJobCommand,
  GetImportJobsCommand,
  GetSegmentCommand,
  NotFoundException,
  UpdateEndpointCommand,
} from '@aws-sdk/client-pinpoint';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startS3 } from '../harness';
import type { S3Harness } from '../harness';
import { ROLE, admin, counts, emulatorOn, expectError, pinpoint, put, waitImport } from './emulator-support';

let s3: S3Harness;
let bucket: string;
const dirs: string[] = [];

beforeAll(async () => {
  s3 = await startS3();
  bucket = await s3.newBucket();
});
afterAll(async () => {
  await s3?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'af-emu-'));
  dirs.push(d);
  return d;
}

it('keeps apps, endpoints, segments and jobs across a restart', async () => {
  const dataDir = tempDir();
  let emu = await emulatorOn(s3, { dataDir });
  let pp = pinpoint(emu.url);
  const appId = (await pp.send(new CreateAppCommand({ CreateApplicationRequest: { Name: 'durable' } })))
    .ApplicationResponse!.Id!;
  await pp.send(
    new UpdateEndpointCommand({
      ApplicationId: appId,
      EndpointId: 'keep',
      EndpointRequest: { ChannelType: 'EMAIL', Address: 'k@x.y', User: { UserId: 'u' } },
    }),
  );
  await pp.send(
    new UpdateEndpointCommand({
      ApplicationId: appId,
      EndpointId: 'gone',
      EndpointRequest: { ChannelType: 'SMS', Address: '+1' },
    }),
  );
  await pp.send(new DeleteEndpointCommand({ ApplicationId: appId, EndpointId: 'gone' }));
  await put(
    s3,
    bucket,
    'd/a.json',
    ['+1', '+2', '+3'].map((a) => JSON.stringify({ ChannelType: 'SMS', Address: a })).join('\n'),
  );
  const job = await waitImport(
    pp,
    appId,
    (
      await pp.send(
        new CreateImportJobCommand({
          ApplicationId: appId,
          ImportJobRequest: {
            Format: 'JSON',
            S3Url: `s3://${bucket}/d/a.json`,
            RoleArn: ROLE,
            DefineSegment: true,
            SegmentName: 'd',
          },
        }),
      )
    ).ImportJobResponse!.Id!,
  );
  const before = await counts(emu);
  const endpointBefore = (await pp.send(new GetEndpointCommand({ ApplicationId: appId, EndpointId: 'keep' })))
    .EndpointResponse;
  pp.destroy();
  await emu.close();

  emu = await emulatorOn(s3, { dataDir });
  pp = pinpoint(emu.url);
  try {
    expect(await counts(emu)).toEqual(before);
    expect((await pp.send(new GetAppCommand({ ApplicationId: appId }))).ApplicationResponse!.Name).toBe('durable');
    expect(
      (await pp.send(new GetEndpointCommand({ ApplicationId: appId, EndpointId: 'keep' }))).EndpointResponse,
    ).toEqual(endpointBefore);
    await expectError(
      pp.send(new GetEndpointCommand({ ApplicationId: appId, EndpointId: 'gone' })),
      NotFoundException,
      404,
      /endpoint gone/,
    );
    const jobs = (await pp.send(new GetImportJobsCommand({ ApplicationId: appId }))).ImportJobsResponse!.Item!;
    expect(jobs).toEqual([job]);
    const seg = (await pp.send(new GetSegmentCommand({ ApplicationId: appId, SegmentId: job.Definition!.SegmentId! })))
      .SegmentResponse!;
    expect(seg.ImportDefinition!.Size).toBe(3);
    expect(fs.readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  } finally {
    pp.destroy();
    await emu.close();
  }
});

it('refuses a second emulator on the same data directory', async () => {
  const dataDir = tempDir();
  const emu = await emulatorOn(s3, { dataDir });
  try {
    await expect(emulatorOn(s3, { dataDir })).rejects.toThrow(
      `--data-dir ${dataDir} is in use by another emulator (pid ${process.pid})`,
    );
  } finally {
    await emu.close();
  }
  const again = await emulatorOn(s3, { dataDir });
  await again.close();
});

it('resumes a job that was running when the emulator stopped', async () => {
  const dataDir = tempDir();
  let emu = await emulatorOn(s3, { dataDir });
  let pp = pinpoint(emu.url);
  const appId = (await pp.send(new CreateAppCommand({ CreateApplicationRequest: { Name: 'resume' } })))
    .ApplicationResponse!.Id!;
  await put(s3, bucket, 'r/a.csv', 'ChannelType,Address\nSMS,+1\nSMS,+2\nFAX,+3\n');
  await admin(emu, 'POST', 'faults', { stallNextJobs: 1 });
  const jobId = (
    await pp.send(
      new CreateImportJobCommand({
        ApplicationId: appId,
        ImportJobRequest: { Format: 'CSV', S3Url: `s3://${bucket}/r/a.csv`, RoleArn: ROLE },
      }),
    )
  ).ImportJobResponse!.Id!;
  let status: string | undefined;
  for (let i = 0; i < 100 && status !== 'PROCESSING'; i++) {
    await new Promise((r) => setTimeout(r, 20));
    status = (await pp.send(new GetImportJobCommand({ ApplicationId: appId, JobId: jobId }))).ImportJobResponse!
      .JobStatus;
  }
  // Stalled mid-job: nothing imported yet when the emulator stops.
  expect(status).toBe('PROCESSING');
  expect((await counts(emu)).byApp[appId]!.endpoints).toBe(0);
  pp.destroy();
  await emu.close();

  emu = await emulatorOn(s3, { dataDir });
  pp = pinpoint(emu.url);
  try {
    const done = await waitImport(pp, appId, jobId);
    expect(done).toMatchObject({ JobStatus: 'COMPLETED', TotalProcessed: 2, TotalFailures: 1, CompletedPieces: 1 });
    expect((await counts(emu)).byApp[appId]!.endpoints).toBe(2);
  } finally {
    pp.destroy();
    await emu.close();
  }
});

function startProcess(
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string }> {
  const child = spawn(process.execPath, args, {
    cwd: path.resolve(__dirname, '../..'),
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within 60 s:\n${out}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
  });
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

it('runs as `audienceflow emulator`, survives SIGKILL with --data-dir, and stops cleanly on SIGTERM', async () => {
  const dataDir = tempDir();
  const env = {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AUDIENCEFLOW_NO_STACK_ENV: '1',
  };
  const args = [
    'bin/audienceflow.js',
    'emulator',
    '--port',
    '0',
    '--s3-endpoint',
    s3.endpoint,
    '--data-dir',
    dataDir,
    '--pace',
    'instant',
  ];
  const first = await startProcess(args, env);
  let pp = pinpoint(first.url);
  const appId = (await pp.send(new CreateAppCommand({ CreateApplicationRequest: { Name: 'cli' } })))
    .ApplicationResponse!.Id!;
  await pp.send(
    new UpdateEndpointCommand({
      ApplicationId: appId,
      EndpointId: 'e',
      EndpointRequest: { ChannelType: 'SMS', Address: '+1' },
    }),
  );
  pp.destroy();
  const killed = exitOf(first.child);
  first.child.kill('SIGKILL');
  await killed;

  const second = await startProcess(['node_modules/tsx/dist/cli.mjs', 'src/emulator/main.ts', ...args.slice(2)], env);
  pp = pinpoint(second.url);
  try {
    const e = (await pp.send(new GetEndpointCommand({ ApplicationId: appId, EndpointId: 'e' }))).EndpointResponse!;
    expect(e).toMatchObject({ ApplicationId: appId, Address: '+1', ChannelType: 'SMS' });
  } finally {
    pp.destroy();
  }
  const exited = exitOf(second.child);
  second.child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(second.output()).toContain('emulator stopped');
});
