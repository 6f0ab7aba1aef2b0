/**
 * Benchmark: the Pinpoint emulator imports and then exports N endpoints (default 1,000,000) over
 * real S3 (SeaweedFS), driven by the unmodified SDK; the emulator runs as its own process so its
 * peak memory (VmHWM) is measured alone.
 *
 *   npx tsx bench/emulator-import-export.ts [--endpoints 1000000] [--files 4]
 *
 * Prints a table (endpoints/s vs the 50,000/s target, peak RSS vs 2 GB) and writes
 * bench/results/emulator-import-export.json.
 */
import {
  CreateAppCommand,
  CreateExportJobCommand,
  CreateImportJobCommand,
  GetExportJobCommand,
  GetImportJobCommand,
  PinpointClient,
} from '@aws-sdk/client-pinpoint';
import type { ExportJobResponse, ImportJobResponse } from '@aws-sdk/client-pinpoint';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { stopPid } from '../src/stack/processes';
import { ensureBucket, freeWeedPorts, localS3Client, startWeed } from '../src/stack/s3-server';
import { requireTool } from '../src/stack/tools';

const ROLE = 'arn:aws:iam::123456789012:role/audienceflow';
const TARGET_PER_S = 50_000;
const MEMORY_LIMIT_MB = 2048;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
  return n;
}

/** A realistic endpoint (~330 bytes): every line differs, every id is stable. */
function endpointLine(i: number): string {
  const channel = i % 3 === 0 ? 'SMS' : 'EMAIL';
  const address = channel === 'SMS' ? `+1555${String(i).padStart(7, '0')}` : `user${i}@example.com`;
  return JSON.stringify({
    Id: `ep-${i}`,
    ChannelType: channel,
    Address: address,
    OptOut: i % 10 === 0 ? 'ALL' : 'NONE',
    Attributes: { interests: ['music', `genre-${i % 17}`], source: ['bench'] },
    Metrics: { score: (i % 1000) / 10, visits: i % 50 },
    User: { UserId: `user-${i}`, UserAttributes: { plan: [i % 2 ? 'gold' : 'free'] } },
    Location: { Country: 'US', City: 'Austin', PostalCode: '78701' },
    Demographic: { Platform: 'ios', Locale: 'en_US', Timezone: 'America/Chicago' },
  });
}

function* chunks(from: number, to: number): Generator<string> {
  let batch: string[] = [];
  for (let i = from; i < to; i++) {
    batch.push(endpointLine(i));
    if (batch.length === 4096) {
      yield `${batch.join('\n')}\n`;
      batch = [];
    }
  }
  if (batch.length > 0) yield `${batch.join('\n')}\n`;
}

function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function waitJob<T extends ImportJobResponse | ExportJobResponse>(get: () => Promise<T>): Promise<T> {
  for (;;) {
    const r = await get();
    if (r.JobStatus === 'COMPLETED' || r.JobStatus === 'FAILED') return r;
    await new Promise((res) => setTimeout(res, 100));
  }
}

async function main(): Promise<void> {
  const total = arg('endpoints', 1_000_000);
  const files = arg('files', 4);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'af-bench-emu-'));
  const weedPorts = await freeWeedPorts();
  const weed = await startWeed({
    binary: requireTool('weed'),
    dataDir: path.join(work, 's3'),
    ports: weedPorts,
    logFile: path.join(work, 'weed.log'),
  });
  const s3 = localS3Client(weed.endpoint);
  const emulator = spawn(
    process.execPath,
    [
      // Extra node flags for the emulator process, e.g. BENCH_EMULATOR_NODE_ARGS=--cpu-prof to profile it.
      ...(process.env.BENCH_EMULATOR_NODE_ARGS ?? '').split(' ').filter(Boolean),
      '--import',
      'tsx',
      'src/emulator/main.ts',
      '--port',
      '0',
      '--s3-endpoint',
      weed.endpoint,
      '--pace',
      'instant',
    ],
    {
      cwd: path.resolve(__dirname, '..'),
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
        AUDIENCEFLOW_NO_STACK_ENV: '1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      emulator.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (\S+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      emulator.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
    });
    const pid = emulator.pid!;
    const bucket = 'bench-emulator';
    await ensureBucket(s3, bucket);

    process.stdout.write(`writing ${total.toLocaleString()} endpoints as NDJSON in ${files} files to S3…\n`);
    let bytes = 0;
    const per = Math.ceil(total / files);
    for (let f = 0; f < files; f++) {
      const body = Readable.from(chunks(f * per, Math.min(total, (f + 1) * per)));
      body.on('data', (c: string | Buffer) => (bytes += Buffer.byteLength(c)));
      await new Upload({
        client: s3,
        params: { Bucket: bucket, Key: `in/part-${f}.json`, Body: body },
        partSize: 16 * 1024 * 1024,
      }).done();
    }

    const pp = new PinpointClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const appId = (await pp.send(new CreateAppCommand({ CreateApplicationRequest: { Name: 'bench' } })))
      .ApplicationResponse!.Id!;

    const rssBefore = peakRssMb(pid);
    let t0 = performance.now();
    const importId = (
      await pp.send(
        new CreateImportJobCommand({
          ApplicationId: appId,
          ImportJobRequest: { Format: 'JSON', S3Url: `s3://${bucket}/in/`, RoleArn: ROLE, RegisterEndpoints: true },
        }),
      )
    ).ImportJobResponse!.Id!;
    const imp = await waitJob(
      async () =>
        (await pp.send(new GetImportJobCommand({ ApplicationId: appId, JobId: importId }))).ImportJobResponse!,
    );
    const importS = (performance.now() - t0) / 1000;
    const rssAfterImport = peakRssMb(pid);
    if (imp.JobStatus !== 'COMPLETED' || imp.TotalProcessed !== total) {
      throw new Error(
        `import ended ${imp.JobStatus} with ${imp.TotalProcessed} processed, ${imp.TotalFailures} failures`,
      );
    }

    t0 = performance.now();
    const exportId = (
      await pp.send(
        new CreateExportJobCommand({
          ApplicationId: appId,
          ExportJobRequest: { S3UrlPrefix: `s3://${bucket}/out/`, RoleArn: ROLE },
        }),
      )
    ).ExportJobResponse!.Id!;
    const exp = await waitJob(
      async () =>
        (await pp.send(new GetExportJobCommand({ ApplicationId: appId, JobId: exportId }))).ExportJobResponse!,
    );
    const exportS = (performance.now() - t0) / 1000;
    const rssPeak = peakRssMb(pid);
    if (exp.JobStatus !== 'COMPLETED' || exp.TotalProcessed !== total) {
      throw new Error(`export ended ${exp.JobStatus} with ${exp.TotalProcessed} processed`);
    }

    // Check the output really holds every endpoint (not timed).
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'out/' }));
    const gz = (listed.Contents ?? []).filter((o) => o.Key?.endsWith('.gz'));
    let lines = 0;
    let gzBytes = 0;
    for (const o of gz) {
      gzBytes += o.Size ?? 0;
      const body = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }))).Body as Readable;
      for await (const chunk of body.pipe(zlib.createGunzip())) {
        const b = chunk as Buffer;
        for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) lines++;
      }
    }
    if (lines !== total) throw new Error(`export holds ${lines} lines, expected ${total}`);
    pp.destroy();

    const importRate = Math.round(total / importS);
    const exportRate = Math.round(total / exportS);
    const rows = [
      ['import (NDJSON, S3 → emulator)', total, importS.toFixed(1), importRate, (importRate / TARGET_PER_S).toFixed(2)],
      [
        'export (emulator → gzip NDJSON, S3)',
        total,
        exportS.toFixed(1),
        exportRate,
        (exportRate / TARGET_PER_S).toFixed(2),
      ],
    ];
    const table = [
      `| phase | endpoints | seconds | endpoints/s | ratio to 50,000/s target |`,
      `|---|---:|---:|---:|---:|`,
      ...rows.map((r) => `| ${r.join(' | ')} |`),
      '',
      `| emulator memory | MB |`,
      `|---|---:|`,
      `| peak RSS (VmHWM) before import | ${rssBefore} |`,
      `| peak RSS after import | ${rssAfterImport} |`,
      `| peak RSS after export (whole run) | ${rssPeak} (limit ${MEMORY_LIMIT_MB}, ratio ${(rssPeak / MEMORY_LIMIT_MB).toFixed(2)}) |`,
      '',
      `input ${(bytes / 1e6).toFixed(0)} MB NDJSON in ${files} files (${imp.TotalPieces} pieces); ` +
        `output ${gz.length} gzip objects, ${(gzBytes / 1e6).toFixed(0)} MB, ${lines.toLocaleString()} lines verified; ` +
        `node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)} at the end ` +
        '(other processes on the machine slow both phases)',
    ].join('\n');
    process.stdout.write(`\n${table}\n`);
    const verdict =
      importRate >= TARGET_PER_S && exportRate >= TARGET_PER_S && rssPeak < MEMORY_LIMIT_MB
        ? 'targets met'
        : 'TARGETS MISSED';
    process.stdout.write(`\n${verdict}\n`);
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(
      path.join(__dirname, 'results', 'emulator-import-export.json'),
      JSON.stringify(
        {
          date: new Date().toISOString(),
          loadAverage: os.loadavg()[0],
          total,
          files,
          importS,
          exportS,
          importRate,
          exportRate,
          rssBefore,
          rssAfterImport,
          rssPeak,
          inputBytes: bytes,
          gzBytes,
          verdict,
        },
        null,
        2,
      ),
    );
  } finally {
    if (emulator.exitCode === null) {
      emulator.kill('SIGTERM');
      await new Promise((r) => emulator.once('exit', r));
    }
    s3.destroy();
    await stopPid(weed.child.pid!, 5_000);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
