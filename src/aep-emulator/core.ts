/** The emulator's parts wired together: state, file store, job runner, IMS, faults and settings. */
import { randomBytes, randomUUID } from 'node:crypto';
import { noFaults } from './faults';
import type { Faults } from './faults';
import { DirFileStore, MemoryFileStore } from './file-store';
import type { FileStore } from './file-store';
import { TokenIssuer } from './ims';
import { JobRunner } from './job-runner';
import type { AepEmulatorOptions, DeleteAnswer } from './options';
import { AEP_DEFAULTS, aepStepDelayMs } from './options';
import { parseSeed } from './seed';
import { AepState } from './state';

export class AepEmulatorCore {
  state = new AepState();
  faults: Faults = noFaults();
  readonly store: FileStore;
  readonly issuer: TokenIssuer;
  readonly runner: JobRunner;
  deleteAnswer: DeleteAnswer;
  /** DELETE requests that reached a job (tests count them). */
  deleteCalls = 0;
  /** File bytes sent by Data Access (tests check that a resumed download asks only for the rest). */
  bytesServed = 0;

  constructor(readonly options: AepEmulatorOptions) {
    this.store = options.dataDir ? new DirFileStore(options.dataDir) : new MemoryFileStore();
    this.issuer = new TokenIssuer(() => options.tokenLifetimeSeconds ?? AEP_DEFAULTS.tokenLifetimeSeconds, {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
    });
    this.deleteAnswer = options.deleteAnswer ?? AEP_DEFAULTS.deleteAnswer;
    this.runner = new JobRunner(
      this.state,
      this.store,
      () => this.faults,
      () => ({
        stepDelayMs: aepStepDelayMs(options.pace ?? AEP_DEFAULTS.pace),
        rowsPerFile: options.rowsPerFile ?? AEP_DEFAULTS.rowsPerFile,
        filesPerDataSetFile: options.filesPerDataSetFile ?? AEP_DEFAULTS.filesPerDataSetFile,
      }),
    );
    if (options.seed !== undefined) this.state.addSeed(parseSeed(options.seed));
  }

  newDatasetId(): string {
    return randomBytes(12).toString('hex');
  }

  newBatchId(): string {
    return randomUUID().replace(/-/g, '');
  }

  /** Forgets everything (jobs are cancelled first) and keeps the settings. */
  async reset(): Promise<void> {
    for (const job of this.state.jobs.values()) {
      if (job.status === 'NEW' || job.status === 'PROCESSING') this.runner.cancel(job);
    }
    for (const batchId of this.state.batches.keys()) await this.store.removePrefix(`${batchId}/`);
    this.state = new AepState();
    this.runner.rebind(this.state);
    this.faults = noFaults();
    this.deleteCalls = 0;
    this.bytesServed = 0;
  }
}
