/** `audienceflow list`: recent runs from Temporal visibility, filtered by the custom search attributes. */
import type { Command } from 'commander';
import { SA_APPLICATION_ID, SA_PIPELINE, SA_STATUS } from '../contracts/search-attributes';
import { withClient } from './client';
import { badInput } from './errors';
import { PIPELINES, renderTable } from './report-view';

export interface ListFilters {
  app?: string;
  status?: string;
  pipeline?: string;
}

const VALUE_RE = /^[A-Za-z0-9._-]{1,128}$/;

/** The visibility query for the filters; values are checked first (they are quoted into the query). */
export function buildListQuery(f: ListFilters): string {
  const clauses = [];
  if (f.pipeline !== undefined) {
    const p = f.pipeline.toLowerCase();
    if (!(PIPELINES as readonly string[]).includes(p)) {
      throw badInput('--pipeline', `"${f.pipeline}" is not a pipeline`, `use ${PIPELINES.join(', ')}`);
    }
    clauses.push(`${SA_PIPELINE.name} = '${p}'`);
  } else {
    clauses.push(`${SA_PIPELINE.name} IN (${PIPELINES.map((p) => `'${p}'`).join(', ')})`);
  }
  if (f.app !== undefined) {
    if (!VALUE_RE.test(f.app))
      throw badInput('--app', `"${f.app}" is not an application id`, 'pass the id as shown by `audienceflow list`');
    clauses.push(`${SA_APPLICATION_ID.name} = '${f.app}'`);
  }
  if (f.status !== undefined) {
    const s = f.status.toUpperCase();
    if (!/^[A-Z_]{1,32}$/.test(s)) {
      throw badInput('--status', `"${f.status}" is not a status`, 'use RUNNING, COMPLETED, FAILED or CANCELLED');
    }
    clauses.push(`${SA_STATUS.name} = '${s}'`);
  }
  return clauses.join(' AND ');
}

export function parseLimit(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 1000)
    throw badInput('--limit', `"${text}" is not a number from 1 to 1000`, 'pass e.g. --limit 50');
  return n;
}

export function registerListCommand(program: Command): void {
  program
    .command('list')
    .summary('list recent runs (filter by app, status, pipeline)')
    .description('List recent pipeline runs (newest first) from Temporal visibility.')
    .option(
      '--app <id>',
      'only runs that touch this application (a sync: source or target; AEP: a segment id; activate: either)',
    )
    .option('--status <status>', 'only runs whose AudienceflowStatus is this (RUNNING, COMPLETED, FAILED, CANCELLED)')
    .option('--pipeline <name>', `only runs of this pipeline: ${PIPELINES.join(', ')}`)
    .option('--limit <n>', 'how many runs to show', '20')
    .option('--json', 'print machine-readable JSON on stdout', false)
    .addHelpText(
      'after',
      `
Examples:
  audienceflow list
  audienceflow list --pipeline sync --status FAILED
  audienceflow list --app 0123456789abcdef0123456789abcdef --limit 5 --json

The filters use the custom search attributes AudienceflowPipeline, AudienceflowApplicationId (every
application a run touches: --app finds a sync by its source or its target) and AudienceflowStatus;
the same query works in the Temporal UI.`,
    )
    .action(async (opts: ListFilters & { limit: string; json: boolean }) => {
      const query = buildListQuery(opts);
      const limit = parseLimit(opts.limit);
      await withClient(async (c) => {
        const rows = [];
        for await (const w of c.client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
          const sa = w.typedSearchAttributes;
          rows.push({
            workflowId: w.workflowId,
            runId: w.runId,
            pipeline: sa.get(SA_PIPELINE),
            temporalStatus: w.status.name,
            status: sa.get(SA_STATUS),
            startTime: w.startTime.toISOString(),
            closeTime: w.closeTime?.toISOString(),
            applicationId: sa.get(SA_APPLICATION_ID)?.join(','),
          });
          if (rows.length >= limit) break;
        }
        rows.sort((a, b) => b.startTime.localeCompare(a.startTime));
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        if (rows.length === 0) {
          process.stdout.write(`no runs match (${query})\n`);
          return;
        }
        process.stdout.write(
          `${renderTable(
            ['workflow id', 'pipeline', 'status', 'temporal', 'started (UTC)', 'app'],
            rows.map((r) => [
              r.workflowId,
              r.pipeline ?? '-',
              r.status ?? '-',
              r.temporalStatus,
              r.startTime.replace(/\.\d{3}Z$/, 'Z'),
              r.applicationId ?? '-',
            ]),
          )}\n`,
        );
      });
    });
}
