/**
 * `npm run demo`: the whole sync and an AEP activation on the local stack, in one command.
 *
 * 1. brings up the local stack (Temporal dev server, S3, the Pinpoint and AEP emulators; already running parts are
 *    reused);
 * 2. seeds the source application with 10,000 generated endpoints (UpdateEndpointsBatch; a re-run upserts the same
 *    ids, so nothing doubles);
 * 3. runs a worker in this process and starts a sync with a transform into the target application;
 * 4. shows progress, prints the report and the Temporal UI link of the run;
 * 5. seeds the AEP emulator with 2,000 generated profiles in one segment (a re-run upserts the same ids);
 * 6. activates that segment into a third Pinpoint application (activateSegment), with progress, the report and the
 *    Temporal UI link.
 *
 * `npm run demo -- aep` runs the AEP part only (steps 1, 5 and 6); `--profiles N` sets how many profiles.
 * Both applications are found by name, so a second run reuses them: the sync upserts by endpoint id and the target
 * ends with the same number of endpoints. The stack keeps running afterwards (`audienceflow stack down` stops it).
 * Options: --endpoints N (default 10000), --profiles N (default 2000), --dry-run, and the ports of `audienceflow stack up`: --temporal-port,
 * --ui-port, --s3-port, --emulator-port, --aep-port. Without them a default port that is taken (say, by another
 * Temporal dev server on 7233) is replaced by a free one, and the demo says so (demo-ports.ts); its own running stack
 * is reused.
 */
import { NativeConnection } from '@temporalio/worker';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { awsSettings, temporalSettings, threadMinBytes, transferThreads } from '../config';
import type { SyncInput, TransformSpec } from '../contracts';
import { connectClient, workflowUiUrl } from '../cli/client';
import { syncMetadata } from '../cli/start-metadata';
import { printOutcome, watchRun } from '../cli/watch';
import { ADMIN_TOKEN_ENV, adminHeaders } from '../emulator/admin-guard';
import { createPinpointClient } from '../providers/pinpoint/client';
import { describeHolder } from '../stack/port-holder';
import { freePort, isPortFree } from '../stack/ports';
import { isAlive } from '../stack/processes';
import { freeWeedPorts, weedPortsFor } from '../stack/s3-server';
import { DEFAULT_STACK_OPTIONS } from '../stack/defaults';
import { DEMO_ROLE_ARN, stackUp } from '../stack/stack';
import { readState } from '../stack/stack-state';
import type { StackOptions } from '../stack/defaults';
import { createWorker } from '../worker';
import { createS3Client } from '../providers/s3-client';
import { syncEndpoints } from '../../workflows';
import { DEMO_SEGMENT, demoMembers, runDemoActivation, seedAepDemo } from './aep-demo';
import { DEMO_ACTIVATION_APP, DEMO_SOURCE_APP, DEMO_TARGET_APP, findOrCreateApp } from './demo-apps';
import { chooseDemoPorts } from './demo-ports';
import type { PortProbe } from './demo-ports';
import { seedEndpoints } from './seed-endpoints';

// The AWS SDK's Node 22 notice is in the README; keep the demo's output to the demo.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const say = (line = '') => process.stdout.write(`${line}\n`);

/** The demo's transform: drop opted-out endpoints, tidy attributes, tag where they came from. */
export const DEMO_TRANSFORM: TransformSpec = {
  dropOptedOut: true,
  excludeAttributes: ['interests'],
  renameAttributes: { plan: 'subscription_plan' },
  set: { 'Attributes.imported_by': 'audienceflow-demo' },
};

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function portArg(name: string): number | undefined {
  const raw = argValue(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65_535) throw new Error(`${name} "${raw}" is not a port; pass 1-65535`);
  return n;
}

function stackOptionsFromArgs(): Partial<StackOptions> {
  const o: Partial<StackOptions> = {};
  const t = portArg('--temporal-port');
  const ui = portArg('--ui-port');
  const s3 = portArg('--s3-port');
  const em = portArg('--emulator-port');
  const aep = portArg('--aep-port');
  if (t !== undefined) o.temporalPort = t;
  if (ui !== undefined) o.uiPort = ui;
  if (s3 !== undefined) o.s3Port = s3;
  if (em !== undefined) o.emulatorPort = em;
  if (aep !== undefined) o.aepPort = aep;
  return o;
}

/** The machine as it is: which ports are free, who holds the others. */
const machinePorts: PortProbe = {
  async isFree(option, port) {
    if (option !== 's3Port') return isPortFree(port);
    const w = weedPortsFor(port);
    const all = [w.s3, w.master, w.volume, w.filer].flatMap((p) => [p, p + 10_000]);
    return (await Promise.all(all.map((p) => isPortFree(p)))).every(Boolean);
  },
  async freePort(option) {
    return option === 's3Port' ? (await freeWeedPorts()).s3 : freePort();
  },
  holder: describeHolder,
  isAlive,
};

/** The emulator's own count of the target's endpoints (its admin API; the local stack only). */
async function targetEndpointCount(applicationId: string): Promise<number | undefined> {
  const base = process.env.AWS_ENDPOINT_URL_PINPOINT;
  if (!base) return undefined;
  try {
    const res = await fetch(`${base.replace(/\/+$/, '')}/_emulator/counts`, {
      headers: adminHeaders(process.env[ADMIN_TOKEN_ENV] ?? ''),
      signal: AbortSignal.timeout(3_000),
    });
    const counts = (await res.json()) as { byApp?: Record<string, { endpoints?: number }> };
    return counts.byApp?.[applicationId]?.endpoints;
  } catch {
    return undefined;
  }
}

function countArg(name: string, fallback: number, max: number): number {
  const n = Number(argValue(name) ?? fallback);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new Error(`${name} must be a whole number from 1 to ${max} (got ${argValue(name)})`);
  }
  return n;
}

async function main(): Promise<void> {
  const endpoints = countArg('--endpoints', 10_000, 1_000_000);
  const profiles = countArg('--profiles', 2_000, 100_000);
  const dryRun = process.argv.includes('--dry-run');
  // `npm run demo -- aep`: the AEP activation only.
  const aepOnly = process.argv.slice(2).includes('aep');
  const total = aepOnly ? 3 : 6;
  let step = 0;
  const stepLine = (what: string) => say(`${++step}/${total} ${what}`);
  // The worker's own settings apply to the demo's worker too (README, "Worker threads"); read (and checked) first.
  const threads = { threadMinBytes: threadMinBytes(), transferThreads: transferThreads() };
  Runtime.install({ logger: new DefaultLogger('WARN') });

  stepLine('local stack');
  const ports = await chooseDemoPorts(stackOptionsFromArgs(), readState(), DEFAULT_STACK_OPTIONS, machinePorts);
  for (const note of ports.notes) say(`    ${note}`);
  const stack = await stackUp(ports.options, (line) => say(`    ${line}`));
  // This process talks to the stack it just brought up (variables already set by the user win, as in config.ts).
  for (const [k, v] of Object.entries(stack.env)) process.env[k] ??= v;
  const aws = awsSettings();
  const pinpoint = createPinpointClient(aws);
  const s3 = createS3Client(aws);

  const settings = temporalSettings();
  const connection = await NativeConnection.connect(settings.connection);
  const worker = await createWorker({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    deps: { s3, pinpoint, region: aws.region, ...threads },
  });
  const running = worker.run();
  const cli = await connectClient(settings);
  let exitCode = 0;
  try {
    if (!aepOnly)
      exitCode = await syncDemo({ cli, pinpoint, endpoints, dryRun, s3Url: stack.env.AUDIENCEFLOW_S3_URL, stepLine });
    if (exitCode === 0) {
      stepLine(`AEP: ${profiles.toLocaleString('en-US')} profiles in segment ${DEMO_SEGMENT}`);
      await seedAepDemo(stack.env.AEP_ENDPOINT_URL ?? '', stack.env[ADMIN_TOKEN_ENV] ?? '', profiles);
      const app = await findOrCreateApp(pinpoint, DEMO_ACTIVATION_APP);
      say(
        `    seeded into the AEP emulator; target ${DEMO_ACTIVATION_APP} ${app.id} (${app.created ? 'created' : 'reused'})`,
      );
      stepLine('AEP activation: export the segment, map profiles to endpoints, import them');
      const run = await runDemoActivation(cli, {
        applicationId: app.id,
        s3Url: stack.env.AUDIENCEFLOW_S3_URL ?? 's3://audienceflow-local/audienceflow/',
        roleArn: DEMO_ROLE_ARN,
        ...(dryRun && { dryRun: true }),
        poll: { initialIntervalMs: 250, maxIntervalMs: 2_000 },
      });
      exitCode = run.exitCode;
      if (exitCode === 130)
        say('\nStopped watching; stopping the in-process worker leaves the run waiting for a worker.');
      const members = demoMembers(profiles);
      const held = await targetEndpointCount(app.id);
      if (held !== undefined)
        say(
          `\nThe activation application now holds ${held.toLocaleString('en-US')} endpoints (emulator count; ${members.toLocaleString('en-US')} segment members, an EMAIL and most an SMS endpoint each).`,
        );
      say('');
      say(`Temporal UI:  ${workflowUiUrl(settings.namespace, run.workflowId)}`);
      say(`Report:       audienceflow status ${run.workflowId}`);
      say('The local stack keeps running. Stop it with: audienceflow stack down');
    }
  } finally {
    worker.shutdown();
    await running.catch(() => undefined);
    await cli.close();
    await connection.close();
  }
  process.exitCode = exitCode;
}

interface SyncDemo {
  cli: Awaited<ReturnType<typeof connectClient>>;
  pinpoint: ReturnType<typeof createPinpointClient>;
  endpoints: number;
  dryRun: boolean;
  s3Url: string | undefined;
  stepLine: (what: string) => void;
}

/** Steps 2-4: the two applications, the seeded endpoints, the sync with its progress and report. */
async function syncDemo({ cli, pinpoint, endpoints, dryRun, s3Url, stepLine }: SyncDemo): Promise<number> {
  stepLine(`applications and ${endpoints.toLocaleString('en-US')} endpoints`);
  const source = await findOrCreateApp(pinpoint, DEMO_SOURCE_APP);
  const target = await findOrCreateApp(pinpoint, DEMO_TARGET_APP);
  say(`    source ${DEMO_SOURCE_APP} ${source.id} (${source.created ? 'created' : 'reused'})`);
  say(`    target ${DEMO_TARGET_APP} ${target.id} (${target.created ? 'created' : 'reused'})`);
  const seeded = await seedEndpoints(pinpoint, source.id, endpoints, {}, (done, total) => {
    if (done === total || done % 25 === 0)
      process.stdout.write(`\r    seeding: ${done}/${total} UpdateEndpointsBatch requests`);
  });
  say(
    `\n    ${seeded.endpoints.toLocaleString('en-US')} endpoints upserted (${seeded.cleared} with a cleared address: the sync rejects them)`,
  );
  stepLine('worker and sync');
  const settings = cli.settings;
  let exitCode: number;
  const input: SyncInput = {
    provider: 'pinpoint',
    sourceApplicationId: source.id,
    targetApplicationId: target.id,
    s3Url: s3Url ?? 's3://audienceflow-local/audienceflow/',
    roleArn: DEMO_ROLE_ARN,
    transform: DEMO_TRANSFORM,
    ...(dryRun && { dryRun: true }),
    poll: { initialIntervalMs: 250, maxIntervalMs: 2_000 },
  };
  const meta = syncMetadata(input);
  const workflowId = `demo-sync-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const handle = await cli.client.workflow.start(syncEndpoints, {
    taskQueue: settings.taskQueue,
    workflowId,
    args: [input],
    staticSummary: `Demo: ${meta.summary}`,
    staticDetails: meta.details,
    typedSearchAttributes: meta.searchAttributes,
  });
  say(`    started ${workflowId}`);
  say(`    transform: ${JSON.stringify(DEMO_TRANSFORM)}`);
  stepLine('progress');
  const outcome = await watchRun(cli, workflowId, { json: false, intervalMs: 500 }, handle.firstExecutionRunId);
  if (outcome === 'detached') {
    say(
      '\nStopped watching; stopping the in-process worker leaves the run waiting for a worker (`audienceflow worker`).',
    );
    exitCode = 130;
  } else {
    exitCode = printOutcome(outcome, { json: false, pipeline: 'sync' });
  }
  const held = await targetEndpointCount(target.id);
  if (held !== undefined)
    say(`\nThe target application now holds ${held.toLocaleString('en-US')} endpoints (emulator count).`);
  say('');
  say(`Temporal UI:  ${workflowUiUrl(settings.namespace, workflowId)}`);
  say(`Report:       audienceflow status ${workflowId}`);
  return exitCode;
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
