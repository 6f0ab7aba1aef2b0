/**
 * Benchmark of the AEP activation (activities/aep/activate.ts, activateFile: a Parquet file read one row group at a
 * time with hyparquet, each profile mapped to endpoints with the default mapping, validated, and written as NDJSON
 * import parts to S3 by the ActivationWriter) against, over the same files, (a) a bare Parquet read: the same
 * hyparquet row-group reads, rows built and discarded — the practical limit of the reading library.
 * The files are written like the AEP emulator writes an export (its own Parquet writer, 100,000 rows per file, the
 * mapping's fields). Each variant runs in its own process (peak RSS = its own maxRSS), over N/4 and over N profiles,
 * to show whether memory stays flat as the input grows. Parts go to a local S3 (SeaweedFS).
 *
 *   npx tsx bench/activate.ts [--profiles 1000000] [--rounds 1]
 *
 * Prints a table and writes bench/results/activate.json.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { activateFile, fileBuffer } from '../activities/aep/activate';
import { ActivationWriter } from '../activities/aep/activation-writer';
import { deriveFields, writeProfilesParquet } from '../src/aep-emulator/parquet-out';
import type { ActivationTotals } from '../src/contracts/aep-activate';
import { PINPOINT_MAX_IMPORT_JOB_BYTES } from '../src/contracts/limits';
import { demoProfile } from '../src/demo/aep-demo';
import { DEFAULT_MAPPING } from '../src/inputs/activation-mapping';
import { localS3Client } from '../src/stack/s3-server';
import { startS3 } from '../test/harness/s3';

const VARIANTS = ['bare', 'activate'] as const;
type Variant = (typeof VARIANTS)[number];
const LABELS: Record<Variant, string> = {
  bare: '(a) bare Parquet read (hyparquet row groups → objects)',
  activate: 'activation (Parquet → endpoints → import parts in S3)',
};
/** As the AEP emulator writes an export (its default rowsPerFile). */
const ROWS_PER_FILE = 100_000;

interface ChildArgs {
  variant: Variant;
  dir: string;
  endpoint: string;
  bucket: string;
}

interface Measured {
  variant: Variant;
  profiles: number;
  ms: number;
  endpoints?: number;
  partBytes?: number;
  baselineRssMb: number;
  peakRssMb: number;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive whole number`);
  return v;
}

/** What an export of the default mapping's fields holds for a profile. */
function exported(i: number): Record<string, unknown> {
  const { segmentMembership: _m, _repo: _r, ...row } = demoProfile(i);
  return row;
}

/** `count` profiles as Parquet files of ROWS_PER_FILE rows in `dir`; returns the files. */
function writeFiles(dir: string, count: number): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const fields = deriveFields(Array.from({ length: Math.min(count, 1_000) }, (_, i) => exported(i)));
  const files: string[] = [];
  for (let start = 0; start < count; start += ROWS_PER_FILE) {
    const rows = Array.from({ length: Math.min(ROWS_PER_FILE, count - start) }, (_, i) => exported(start + i));
    const file = path.join(dir, `part-${String(files.length).padStart(5, '0')}.parquet`);
    fs.writeFileSync(file, writeProfilesParquet(rows, fields));
    files.push(file);
  }
  return files;
}

async function bareRead(files: string[]): Promise<number> {
  let rows = 0;
  for (const file of files) {
    const handle = await fs.promises.open(file, 'r');
    try {
      // The activity's own AsyncBuffer over the open file: only the footer and one row group in memory.
      const buffer = await fileBuffer(handle);
      const metadata = await parquetMetadataAsync(buffer);
      let rowStart = 0;
      for (const group of metadata.row_groups) {
        const rowEnd = rowStart + Number(group.num_rows);
        rows += (await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd })).length;
        rowStart = rowEnd;
      }
    } finally {
      await handle.close();
    }
  }
  return rows;
}

async function runChild(a: ChildArgs): Promise<Measured> {
  const files = fs
    .readdirSync(a.dir)
    .filter((f) => f.endsWith('.parquet'))
    .sort()
    .map((f) => path.join(a.dir, f));
  const baselineRssMb = process.memoryUsage().rss / 1024 / 1024;
  const t0 = performance.now();
  let out: Measured;
  if (a.variant === 'bare') {
    const profiles = await bareRead(files);
    out = { variant: a.variant, profiles, ms: 0, baselineRssMb, peakRssMb: 0 };
  } else {
    const s3 = localS3Client(a.endpoint);
    const prefix = `bench-activate/${path.basename(a.dir)}-${process.pid}/`;
    const writer = new ActivationWriter(s3, {
      bucket: a.bucket,
      prefix,
      maxJobBytes: PINPOINT_MAX_IMPORT_JOB_BYTES,
      dryRun: false,
    });
    // The activity's own code, in an activity context (heartbeats and cancellation checks go to the mock).
    const activateAll = async (): Promise<ActivationTotals> => {
      for (const file of files) await activateFile(file, path.basename(file), DEFAULT_MAPPING, writer);
      return writer.end();
    };
    const totals = await new MockActivityEnvironment().run<[], ActivationTotals, typeof activateAll>(activateAll);
    out = {
      variant: a.variant,
      profiles: totals.profiles,
      ms: 0,
      endpoints: totals.endpoints.EMAIL + totals.endpoints.SMS,
      partBytes: totals.parts.reduce((n, p) => n + p.bytes, 0),
      baselineRssMb,
      peakRssMb: 0,
    };
  }
  out.ms = performance.now() - t0;
  out.peakRssMb = process.resourceUsage().maxRSS / 1024;
  return out;
}

function spawnVariant(a: ChildArgs): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--child', JSON.stringify(a)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as Measured);
      else reject(new Error(`${a.variant} exited ${code}: ${out.slice(-2000)}`));
    });
  });
}

const perSecond = (m: Measured) => m.profiles / (m.ms / 1000);
const fmt = (v: number) => Math.round(v).toLocaleString('en-US');

async function main(): Promise<void> {
  const childIdx = process.argv.indexOf('--child');
  if (childIdx >= 0) {
    process.stdout.write(`${JSON.stringify(await runChild(JSON.parse(process.argv[childIdx + 1]!) as ChildArgs))}\n`);
    return;
  }
  const profiles = arg('profiles', 1_000_000);
  const rounds = arg('rounds', 1);
  const sizes = [Math.max(1, Math.floor(profiles / 4)), profiles];
  const s3 = await startS3();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'af-bench-activate-'));
  const results: Measured[] = [];
  try {
    const bucket = await s3.newBucket('bench');
    for (const size of sizes) {
      const t0 = Date.now();
      const files = writeFiles(path.join(dir, String(size)), size);
      const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
      process.stderr.write(
        `${fmt(size)} profiles: ${files.length} Parquet file(s), ${(bytes / 1024 / 1024).toFixed(1)} MiB, written in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
      );
      for (let r = 0; r < rounds; r++) {
        for (const variant of VARIANTS) {
          const m = await spawnVariant({ variant, dir: path.join(dir, String(size)), endpoint: s3.endpoint, bucket });
          results.push(m);
          process.stderr.write(
            `  ${variant}: ${(m.ms / 1000).toFixed(1)} s, ${fmt(perSecond(m))} profiles/s, peak RSS ${m.peakRssMb.toFixed(0)} MiB\n`,
          );
        }
      }
    }
  } finally {
    await s3.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const rows = results.map((m) => {
    const bare = results.find((b) => b.variant === 'bare' && b.profiles === m.profiles);
    return {
      variant: LABELS[m.variant],
      profiles: fmt(m.profiles),
      seconds: (m.ms / 1000).toFixed(1),
      'profiles/s': fmt(perSecond(m)),
      'vs bare': bare ? (perSecond(m) / perSecond(bare)).toFixed(2) : '-',
      endpoints: m.endpoints === undefined ? '-' : fmt(m.endpoints),
      'peak RSS MiB': m.peakRssMb.toFixed(0),
      'baseline RSS MiB': m.baselineRssMb.toFixed(0),
    };
  });
  console.table(rows);
  const outDir = path.join(__dirname, 'results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(
    path.join(outDir, 'activate.json'),
    `${JSON.stringify({ node: process.version, cpus: os.cpus().length, profiles, rounds, results }, null, 2)}\n`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
