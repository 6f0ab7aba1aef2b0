/**
 * `audienceflow schedule create|list|describe|pause|unpause|trigger|delete` over Temporal Schedules.
 * A schedule starts export or sync runs; the server derives each run's workflow id from the
 * schedule (`<schedule-id>-<time>`), and every run writes under its own `<workflowId>/<runId>/` prefix.
 */
import type { Command } from 'commander';
import type { Client, ScheduleDescription, ScheduleHandle, ScheduleOverlapPolicy } from '@temporalio/client';
import { ScheduleAlreadyRunning, ScheduleNotFoundError } from '@temporalio/client';
import { ExitCode } from '../contracts/failures';
import type { CliClient } from './client';
import { scheduleUiUrl, withClient, workflowUiUrl } from './client';
import { activateMetadata, activateScheduleId, addActivateOptions, buildActivateInput } from './activate';
import {
  aepScheduleId,
  buildAepExportInput,
  exportProfilesMetadata,
  isAepProvider,
  refuseAepOptions,
} from './aep-export';
import { addExportOptions, addSyncOptions } from './common-options';
import { CliError } from './errors';
import type { FlagValues } from './options';
import { buildExportInput, buildSyncInput } from './options';
import type { Pipeline } from './report-view';
import { renderFields, renderTable } from './report-view';
import type { ScheduleTimingOptions } from './schedule-spec';
import { OVERLAP_POLICIES, buildScheduleTiming, checkScheduleId, parseOverlap } from './schedule-spec';
import type { StartMetadata } from './start-metadata';
import { WORKFLOW_TYPES, exportMetadata, pipelineOfWorkflowType, syncMetadata } from './start-metadata';
import { DETACHED_EXIT_CODE, detachedMessage, printOutcome, watchRun } from './watch';
import { defaultScheduleId } from './workflow-ids';

interface CreateFlags extends ScheduleTimingOptions {
  scheduleId?: string;
  paused: boolean;
  note?: string;
  json: boolean;
}

function notFound(id: string): CliError {
  return new CliError(
    `no schedule "${id}". Fix: see the schedules with \`audienceflow schedule list\``,
    ExitCode.BadInput,
  );
}

async function describeSchedule(handle: ScheduleHandle): Promise<ScheduleDescription> {
  try {
    return await handle.describe();
  } catch (e) {
    if (e instanceof ScheduleNotFoundError) throw notFound(handle.scheduleId);
    throw e;
  }
}

function addTimingOptions(cmd: Command): Command {
  return cmd
    .option('--cron <expr>', 'cron expression (minute hour day month weekday), e.g. "0 2 * * *"')
    .option('--every <duration>', 'interval between runs, e.g. 30m, 1h, 1d')
    .option('--timezone <tz>', 'IANA time zone for --cron, e.g. Europe/Berlin (default: UTC)')
    .option(
      '--overlap <policy>',
      `what to do when a run is still going at the next tick: ${OVERLAP_POLICIES.join(', ')}`,
      'skip',
    )
    .option(
      '--schedule-id <id>',
      'schedule id (default: export-<app> / sync-<source>-to-<target> / activate-<segment>-to-<app>)',
    )
    .option('--paused', 'create the schedule paused', false)
    .option('--note <text>', 'a note shown with the schedule (e.g. who created it and why)')
    .option('--json', 'print machine-readable JSON on stdout', false);
}

async function createSchedule(
  pipeline: Pipeline,
  input: unknown,
  metadata: StartMetadata,
  scheduleId: string,
  flags: CreateFlags,
): Promise<number> {
  const timing = buildScheduleTiming(flags);
  return withClient(async (c) => {
    try {
      await c.client.schedule.create({
        scheduleId,
        spec: timing.spec,
        action: {
          type: 'startWorkflow',
          workflowType: metadata.workflowType ?? WORKFLOW_TYPES[pipeline],
          taskQueue: c.settings.taskQueue,
          // The server appends `-<scheduled time>` to this id for each run.
          workflowId: scheduleId,
          args: [input],
          typedSearchAttributes: metadata.searchAttributes,
          staticSummary: `${metadata.summary} (schedule ${scheduleId})`,
          staticDetails: metadata.details,
        },
        policies: { overlap: timing.overlap },
        state: { paused: flags.paused, ...(flags.note !== undefined && { note: flags.note }) },
        memo: { audienceflow: { pipeline, ...timing.memo } },
      });
    } catch (e) {
      if (e instanceof ScheduleAlreadyRunning) {
        throw new CliError(
          `--schedule-id: a schedule "${scheduleId}" already exists. Fix: pass another --schedule-id, or remove it with \`audienceflow schedule delete ${scheduleId}\``,
          ExitCode.BadInput,
        );
      }
      throw e;
    }
    const d = await c.client.schedule.getHandle(scheduleId).describe();
    const next = d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString());
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ scheduleId, pipeline, ...timing.memo, paused: flags.paused, nextActionTimes: next, ui: scheduleUiUrl(c.settings.namespace, scheduleId) }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(
        `Created schedule ${scheduleId} (${pipeline}${timing.memo.cron ? `, cron "${timing.memo.cron}"` : ''}${timing.memo.every ? `, every ${timing.memo.every}` : ''}${timing.memo.timezone ? ` ${timing.memo.timezone}` : ''}, overlap ${timing.memo.overlap}${flags.paused ? ', paused' : ''})\n` +
          `Next runs:   ${next.join(', ') || '-'}\n` +
          `Temporal UI: ${scheduleUiUrl(c.settings.namespace, scheduleId)}\n` +
          `Run it now:  audienceflow schedule trigger ${scheduleId} --wait\n` +
          `Inspect:     audienceflow schedule describe ${scheduleId}\n`,
      );
    }
    return ExitCode.Ok;
  });
}

function registerCreate(schedule: Command): void {
  const create = schedule
    .command('create')
    .description(
      'Create a schedule that runs an export, a sync or an AEP activation (see `schedule create export --help`).',
    )
    .addHelpText(
      'after',
      `
Examples:
  audienceflow schedule create export --app <id> --cron "0 2 * * *" --timezone Europe/Berlin
  audienceflow schedule create sync --from-app <id> --to-app <id> --every 1h
  audienceflow schedule create activate --segment <aep-segment-id> --to-app <id> --every 1d`,
    );

  const exp = create.command('export').description('Schedule export runs. Takes the options of `audienceflow export`.');
  addExportOptions(exp);
  addTimingOptions(exp);
  exp.addHelpText(
    'after',
    `
Examples:
  audienceflow schedule create export --app 0123456789abcdef0123456789abcdef --cron "0 2 * * *" --timezone Europe/Berlin
  audienceflow schedule create export --app 0123456789abcdef0123456789abcdef --every 6h --schedule-id exports-6h

Each run gets the workflow id <schedule-id>-<scheduled time> and writes under its own prefix.`,
  );
  exp.action(async (opts: FlagValues & CreateFlags) => {
    if (isAepProvider(opts.provider)) {
      const aep = buildAepExportInput(opts);
      const aepId = checkScheduleId(opts.scheduleId ?? aepScheduleId(aep));
      buildScheduleTiming(opts);
      process.exitCode = await createSchedule('export', aep, exportProfilesMetadata(aep), aepId, opts);
      return;
    }
    refuseAepOptions(opts);
    const input = buildExportInput(opts);
    const id = checkScheduleId(opts.scheduleId ?? defaultScheduleId('export', [input.applicationId]));
    buildScheduleTiming(opts); // validate before connecting
    process.exitCode = await createSchedule('export', input, exportMetadata(input), id, opts);
  });

  const syn = create.command('sync').description('Schedule sync runs. Takes the options of `audienceflow sync`.');
  addSyncOptions(syn);
  addTimingOptions(syn);
  syn.addHelpText(
    'after',
    `
Examples:
  audienceflow schedule create sync --from-app <source-id> --to-app <target-id> --every 1h --drop-opted-out
  audienceflow schedule create sync --from-app <source-id> --to-app <target-id> --cron "30 1 * * 1-5" --overlap buffer-one`,
  );
  syn.action(async (opts: FlagValues & CreateFlags) => {
    const input = buildSyncInput(opts);
    const id = checkScheduleId(
      opts.scheduleId ?? defaultScheduleId('sync', [input.sourceApplicationId, input.targetApplicationId]),
    );
    buildScheduleTiming(opts);
    process.exitCode = await createSchedule('sync', input, syncMetadata(input), id, opts);
  });

  const act = create
    .command('activate')
    .description('Schedule AEP activations. Takes the options of `audienceflow activate`.');
  addActivateOptions(act);
  addTimingOptions(act);
  act.addHelpText(
    'after',
    `
Examples:
  audienceflow schedule create activate --segment <segment-id> --to-app 0123456789abcdef0123456789abcdef \\
      --dataset <dataset-id> --cron "0 3 * * *"`,
  );
  act.action(async (opts: FlagValues & CreateFlags) => {
    const input = buildActivateInput(opts);
    const id = checkScheduleId(opts.scheduleId ?? activateScheduleId(input));
    buildScheduleTiming(opts);
    process.exitCode = await createSchedule('activate', input, activateMetadata(input), id, opts);
  });
}

interface ScheduleMemo {
  pipeline?: string;
  cron?: string;
  every?: string;
  timezone?: string;
  overlap?: string;
}

function memoOf(memo: Record<string, unknown> | undefined): ScheduleMemo {
  const m = memo?.audienceflow;
  return typeof m === 'object' && m !== null ? m : {};
}

function timingText(m: ScheduleMemo, d?: ScheduleDescription): string {
  const parts = [];
  if (m.cron) parts.push(`cron "${m.cron}"`);
  if (m.every) parts.push(`every ${m.every}`);
  if (parts.length === 0 && d) {
    for (const i of d.spec.intervals ?? []) parts.push(`every ${Math.round(Number(i.every) / 1000)}s`);
    if ((d.spec.calendars ?? []).length > 0) parts.push(`${d.spec.calendars?.length} calendar spec(s)`);
  }
  const tz = m.timezone ?? d?.spec.timezone;
  return `${parts.join(' + ') || '-'}${tz ? ` (${tz})` : ''}`;
}

function describeJson(d: ScheduleDescription, c: CliClient): unknown {
  const m = memoOf(d.memo);
  return {
    scheduleId: d.scheduleId,
    pipeline: m.pipeline ?? pipelineOfWorkflowType(d.action.workflowType),
    workflowType: d.action.workflowType,
    cron: m.cron,
    every: m.every,
    timezone: m.timezone ?? d.spec.timezone,
    overlap: d.policies.overlap,
    paused: d.state.paused,
    note: d.state.note,
    summary: d.action.staticSummary,
    taskQueue: d.action.taskQueue,
    numActionsTaken: d.info.numActionsTaken,
    numActionsSkippedOverlap: d.info.numActionsSkippedOverlap,
    nextActionTimes: d.info.nextActionTimes.map((t) => t.toISOString()),
    recentActions: d.info.recentActions.map((a) => ({
      scheduledAt: a.scheduledAt.toISOString(),
      takenAt: a.takenAt.toISOString(),
      workflowId: a.action.workflow.workflowId,
      runId: a.action.workflow.firstExecutionRunId,
    })),
    runningWorkflows: d.info.runningActions.map((a) => a.workflow.workflowId),
    createdAt: d.info.createdAt.toISOString(),
    ui: scheduleUiUrl(c.settings.namespace, d.scheduleId),
  };
}

function scheduleCommand(
  schedule: Command,
  name: string,
  description: string,
  example: string,
  run: (c: CliClient, handle: ScheduleHandle, id: string, opts: Record<string, unknown>) => Promise<number>,
): Command {
  return schedule
    .command(name)
    .description(description)
    .argument('<schedule-id>', 'the schedule id (see `audienceflow schedule list`)')
    .addHelpText('after', `\nExample:\n  ${example}`)
    .action(async (id: string, opts: Record<string, unknown>) => {
      process.exitCode = await withClient(async (c) => run(c, c.client.schedule.getHandle(id), id, opts));
    });
}

/** Waits (up to `timeoutMs`) for the schedule to start a run not in `before`; returns its id and run id. */
async function waitForNewAction(
  handle: ScheduleHandle,
  before: Set<string>,
  timeoutMs: number,
): Promise<{ workflowId: string; runId: string } | undefined> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const d = await handle.describe();
    const fresh = [...d.info.recentActions, ...d.info.runningActions.map((workflow) => ({ action: workflow }))]
      .map((a) => a.action.workflow)
      .find((w) => !before.has(`${w.workflowId}/${w.firstExecutionRunId}`));
    if (fresh) return { workflowId: fresh.workflowId, runId: fresh.firstExecutionRunId };
    await new Promise((r) => setTimeout(r, 250));
  }
  return undefined;
}

function actionKeys(d: ScheduleDescription): Set<string> {
  return new Set(
    [...d.info.recentActions.map((a) => a.action.workflow), ...d.info.runningActions.map((a) => a.workflow)].map(
      (w) => `${w.workflowId}/${w.firstExecutionRunId}`,
    ),
  );
}

async function listSchedules(client: Client): Promise<unknown[]> {
  const rows = [];
  for await (const s of client.schedule.list()) {
    const m = memoOf(s.memo);
    rows.push({
      scheduleId: s.scheduleId,
      pipeline: m.pipeline ?? pipelineOfWorkflowType(s.action?.workflowType) ?? s.action?.workflowType,
      timing: timingText(m),
      paused: s.state.paused,
      note: s.state.note,
      nextActionTime: s.info.nextActionTimes[0]?.toISOString(),
      lastRun: s.info.recentActions.at(-1)?.action.workflow.workflowId,
    });
  }
  return rows;
}

export function registerScheduleCommand(program: Command): void {
  const schedule = program
    .command('schedule')
    .summary('run export, sync or activate on a schedule (create, list, describe, pause, unpause, trigger, delete)')
    .description(
      'Run export, sync or activate on a schedule (Temporal Schedules): create, list, describe, pause, unpause, trigger, delete.',
    )
    .addHelpText(
      'after',
      `
Examples:
  audienceflow schedule create sync --from-app <source-id> --to-app <target-id> --every 1h
  audienceflow schedule list
  audienceflow schedule trigger sync-<source-id>-to-<target-id> --wait
  audienceflow schedule delete sync-<source-id>-to-<target-id>`,
    );

  registerCreate(schedule);

  schedule
    .command('list')
    .description('List the schedules of the namespace.')
    .option('--json', 'print machine-readable JSON on stdout', false)
    .addHelpText('after', '\nExample:\n  audienceflow schedule list --json')
    .action(async (opts: { json: boolean }) => {
      await withClient(async (c) => {
        const rows = (await listSchedules(c.client)) as {
          scheduleId: string;
          pipeline?: string;
          timing: string;
          paused: boolean;
          note?: string;
          nextActionTime?: string;
          lastRun?: string;
        }[];
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        } else if (rows.length === 0) {
          process.stdout.write('no schedules; create one with `audienceflow schedule create export|sync --help`\n');
        } else {
          process.stdout.write(
            `${renderTable(
              ['schedule id', 'pipeline', 'timing', 'state', 'next run (UTC)', 'last run'],
              rows.map((r) => [
                r.scheduleId,
                r.pipeline ?? '-',
                r.timing,
                r.paused ? `paused${r.note ? ` (${r.note})` : ''}` : 'active',
                r.nextActionTime?.replace(/\.\d{3}Z$/, 'Z') ?? '-',
                r.lastRun ?? '-',
              ]),
            )}\n`,
          );
        }
      });
    });

  scheduleCommand(
    schedule,
    'describe',
    'Show a schedule: timing, overlap policy, state, next runs and recent runs.',
    'audienceflow schedule describe export-0123456789abcdef0123456789abcdef --json',
    async (c, handle, _id, opts) => {
      const d = await describeSchedule(handle);
      const j = describeJson(d, c);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(j, null, 2)}\n`);
        return ExitCode.Ok;
      }
      const m = memoOf(d.memo);
      process.stdout.write(
        `${renderFields([
          ['schedule', d.scheduleId],
          ['pipeline', m.pipeline ?? d.action.workflowType],
          ['runs', d.action.staticSummary],
          ['timing', timingText(m, d)],
          ['overlap', d.policies.overlap],
          [
            'state',
            d.state.paused
              ? `paused${d.state.note ? ` (${d.state.note})` : ''}`
              : `active${d.state.note ? ` (${d.state.note})` : ''}`,
          ],
          ['actions taken', `${d.info.numActionsTaken} (skipped for overlap: ${d.info.numActionsSkippedOverlap})`],
          [
            'next runs',
            d.info.nextActionTimes
              .slice(0, 3)
              .map((t) => t.toISOString())
              .join(', ') || '-',
          ],
          ['running', d.info.runningActions.map((a) => a.workflow.workflowId).join(', ') || '-'],
          ['Temporal UI', scheduleUiUrl(c.settings.namespace, d.scheduleId)],
        ])}\n`,
      );
      if (d.info.recentActions.length > 0) {
        process.stdout.write(
          `\n${renderTable(
            ['recent run', 'scheduled (UTC)'],
            d.info.recentActions.map((a) => [a.action.workflow.workflowId, a.scheduledAt.toISOString()]),
          )}\n`,
        );
      }
      return ExitCode.Ok;
    },
  ).option('--json', 'print machine-readable JSON on stdout', false);

  for (const [name, verb] of [
    ['pause', 'Pause'],
    ['unpause', 'Unpause'],
  ] as const) {
    scheduleCommand(
      schedule,
      name,
      `${verb} a schedule (running workflows are not affected).`,
      `audienceflow schedule ${name} export-0123456789abcdef0123456789abcdef --note "maintenance window"`,
      async (_c, handle, id, opts) => {
        await describeSchedule(handle);
        const note = typeof opts.note === 'string' ? opts.note : undefined;
        await (name === 'pause' ? handle.pause(note) : handle.unpause(note));
        process.stdout.write(`${name === 'pause' ? 'Paused' : 'Unpaused'} schedule ${id}\n`);
        return ExitCode.Ok;
      },
    ).option('--note <text>', 'why (shown with the schedule)');
  }

  scheduleCommand(
    schedule,
    'trigger',
    'Start a run of the schedule now (the same action, its own workflow id and S3 prefix).',
    'audienceflow schedule trigger sync-<source-id>-to-<target-id> --wait',
    async (c, handle, _id, opts) => {
      const json = opts.json === true;
      // Parsed (and checked) by commander before anything connects; see the option below.
      const overlap = (opts.overlap as ScheduleOverlapPolicy | undefined) ?? 'ALLOW_ALL';
      const before = actionKeys(await describeSchedule(handle));
      await handle.trigger(overlap);
      const started = await waitForNewAction(handle, before, 15_000);
      const ns = c.settings.namespace;
      if (!started) {
        process.stderr.write(
          `Triggered ${handle.scheduleId}, but no new run showed up within 15 s (the overlap policy may have skipped it).\n` +
            `Check: audienceflow schedule describe ${handle.scheduleId}\n`,
        );
        return ExitCode.RunFailed;
      }
      const out = json && !opts.wait ? undefined : json ? process.stderr : process.stdout;
      if (!opts.wait) {
        if (json)
          process.stdout.write(
            `${JSON.stringify({ ...started, ui: workflowUiUrl(ns, started.workflowId) }, null, 2)}\n`,
          );
        else {
          process.stdout.write(
            `Triggered ${handle.scheduleId}: started ${started.workflowId}\nTemporal UI: ${workflowUiUrl(ns, started.workflowId)}\n` +
              `Follow it:   audienceflow status ${started.workflowId} --wait\n`,
          );
        }
        return ExitCode.Ok;
      }
      out?.write(
        `Triggered ${handle.scheduleId}: started ${started.workflowId}\nTemporal UI: ${workflowUiUrl(ns, started.workflowId)}\n`,
      );
      const o = await watchRun(c, started.workflowId, { json }, started.runId);
      if (o === 'detached') {
        process.stderr.write(detachedMessage(ns, started.workflowId));
        return DETACHED_EXIT_CODE;
      }
      const d = await handle.describe();
      const pipeline = pipelineOfWorkflowType(d.action.workflowType);
      return printOutcome(o, { json, ...(pipeline && { pipeline }) });
    },
  )
    .option(
      '--overlap <policy>',
      `overlap policy for this run (${OVERLAP_POLICIES.join(', ')}; default: allow-all)`,
      (v: string) => parseOverlap(v),
    )
    .option('--wait', 'follow the started run like `export --wait` and end with its report', false)
    .option('--json', 'print machine-readable JSON on stdout (progress to stderr)', false);

  scheduleCommand(
    schedule,
    'delete',
    'Delete a schedule (runs it already started go on).',
    'audienceflow schedule delete export-0123456789abcdef0123456789abcdef',
    async (_c, handle, id) => {
      await describeSchedule(handle);
      await handle.delete();
      process.stdout.write(`Deleted schedule ${id}\n`);
      return ExitCode.Ok;
    },
  );
}
