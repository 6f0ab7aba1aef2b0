/**
 * Where mapped endpoints go: NDJSON import parts under `<prefix>parts/part-NNNN/` (cut at the job
 * limit by the line engine's PartCutter/PartWriter, src/engine) and rejected rows ({file, line, reason}, field
 * names only) in `<prefix>rejected-rows.ndjson`. A dry run counts and writes nothing.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { emptyActivationTotals } from '../../src/contracts/aep-activate';
import type { ActivationChannel, ActivationTotals } from '../../src/contracts/aep-activate';
import { validateEndpoint } from '../../src/formats';
import type { EndpointRecord } from '../../src/formats';
import { PartCutter, PartWriter, S3ObjectWriter } from '../../src/engine';
import { partPrefix } from '../support/upload-endpoints';
import type { RejectedRow } from '../support/upload-endpoints';

const UPLOAD = { partSize: 5 * 1024 * 1024, queueSize: 1 };

export interface ActivationTarget {
  bucket: string;
  /** The run's prefix (ends with '/'). */
  prefix: string;
  maxJobBytes: number;
  dryRun: boolean;
}

export class ActivationWriter {
  readonly totals: ActivationTotals = emptyActivationTotals();
  private readonly parts: PartWriter;
  private readonly cutter: PartCutter;
  private rejects: S3ObjectWriter | undefined;
  private lines: string[] = [];
  private records = 0;

  constructor(
    private readonly s3: S3Client,
    private readonly target: ActivationTarget,
  ) {
    this.parts = new PartWriter(
      s3,
      target.bucket,
      (j) => `${partPrefix(target.prefix, j + 1)}endpoints.ndjson`,
      UPLOAD,
    );
    this.cutter = new PartCutter(target.maxJobBytes);
  }

  private get rejectedRowsKey(): string {
    return `${this.target.prefix}rejected-rows.ndjson`;
  }

  /** Adds one endpoint (validated first); written at the next flush. */
  async endpoint(channel: ActivationChannel, e: EndpointRecord, where: { file: string; line: number }): Promise<void> {
    const line = JSON.stringify(e);
    const problem = validateEndpoint(e, { sizeBytes: Buffer.byteLength(line), existing: false });
    if (problem) return this.reject(where, `${channel} endpoint: ${problem}`);
    this.totals.endpoints[channel]++;
    if (this.target.dryRun) return;
    this.lines.push(line);
    this.records++;
  }

  async reject(where: { file: string; line: number }, reason: string): Promise<void> {
    this.totals.rejected++;
    if (this.target.dryRun) return;
    const row = JSON.stringify({ ...where, reason } satisfies RejectedRow);
    this.rejects ??= new S3ObjectWriter(this.s3, this.target.bucket, this.rejectedRowsKey, UPLOAD);
    await this.rejects.writeLine(row, Buffer.byteLength(row));
  }

  /** Writes the endpoints added since the last flush (one row group's worth) into the parts. */
  async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    const block = { bytes: Buffer.from(`${this.lines.join('\n')}\n`), records: this.records, endsPart: false };
    this.lines = [];
    this.records = 0;
    for (const b of this.cutter.cut(block)) await this.parts.writeBlock(b);
  }

  async end(): Promise<ActivationTotals> {
    await this.flush();
    await this.parts.end();
    await this.rejects?.end();
    this.totals.parts = this.parts.parts.map((p, i) => ({
      s3Url: `s3://${this.target.bucket}/${partPrefix(this.target.prefix, i + 1)}`,
      key: p.key,
      bytes: p.size,
      records: p.records,
    }));
    if (this.rejects) this.totals.rejectedRowsKey = this.rejectedRowsKey;
    return this.totals;
  }

  async abort(): Promise<void> {
    await Promise.all([this.parts.abort(), this.rejects?.abort()]);
  }
}
