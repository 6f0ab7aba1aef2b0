/**
 * What the Temporal UI shows for a run the CLI starts: a one-line static summary, Markdown
 * static details (the options; never secrets or endpoint data) and the typed search attributes.
 */
import type { SearchAttributePair } from '@temporalio/common';
import type { ExportInput, ImportInput, SyncInput } from '../contracts';
import { SA_APPLICATION_ID, SA_PIPELINE, SA_PROVIDER, SA_STATUS } from '../contracts/search-attributes';
import { formatBytes, formatDuration } from './parse';
import type { Pipeline } from './report-view';

export const WORKFLOW_TYPES: Record<Pipeline, string> = {
  export: 'exportEndpoints',
  import: 'importEndpoints',
  sync: 'syncEndpoints',
  activate: 'activateSegment',
};

/** Workflows a pipeline runs besides its own (AEP profile exports are `export` runs). */
const OTHER_WORKFLOW_TYPES: Record<string, Pipeline> = { exportProfiles: 'export' };

export function pipelineOfWorkflowType(type: string | undefined): Pipeline | undefined {
  const hit = Object.entries(WORKFLOW_TYPES).find(([, t]) => t === type);
  return (hit?.[0] as Pipeline | undefined) ?? (type === undefined ? undefined : OTHER_WORKFLOW_TYPES[type]);
}

export interface StartMetadata {
  /** The workflow to start when it is not the pipeline's own (WORKFLOW_TYPES). */
  workflowType?: string;
  summary: string;
  details: string;
  searchAttributes: SearchAttributePair[];
}

export function searchAttributes(
  pipeline: Pipeline,
  provider: string,
  ...applicationIds: string[]
): SearchAttributePair[] {
  return [
    { key: SA_PIPELINE, value: pipeline },
    { key: SA_PROVIDER, value: provider },
    { key: SA_APPLICATION_ID, value: applicationIds },
    { key: SA_STATUS, value: 'RUNNING' },
  ];
}

/** Markdown-safe inline code (backticks in the value are replaced). */
export const code = (v: string) => `\`${v.replace(/`/g, "'")}\``;

export function markdown(title: string, rows: [string, string | undefined][]): string {
  const shown = rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
  return [
    `### ${title}`,
    '',
    '| option | value |',
    '|---|---|',
    ...shown.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`),
  ].join('\n');
}

export function pollRows(poll: ExportInput['poll'], cancelGraceMs?: number): [string, string | undefined][] {
  return [
    [
      'poll initial interval',
      poll?.initialIntervalMs === undefined ? undefined : formatDuration(poll.initialIntervalMs),
    ],
    ['poll max interval', poll?.maxIntervalMs === undefined ? undefined : formatDuration(poll.maxIntervalMs)],
    ['max wait', poll?.maxWaitMs === undefined ? undefined : formatDuration(poll.maxWaitMs)],
    ['cancel grace', cancelGraceMs === undefined ? undefined : formatDuration(cancelGraceMs)],
  ];
}

const segmentText = (id?: string, version?: number) =>
  id === undefined ? undefined : `${code(id)}${version === undefined ? '' : ` v${version}`}`;

export function exportMetadata(input: ExportInput): StartMetadata {
  return {
    summary: `Export ${input.provider} app ${input.applicationId} to ${input.s3Url}${input.downloadDir ? ' and download' : ''}`,
    details: markdown('Export endpoints', [
      ['provider', input.provider],
      ['application', code(input.applicationId)],
      ['segment', segmentText(input.segmentId, input.segmentVersion)],
      ['S3 location', `${code(input.s3Url)} (each run writes under \`<workflowId>/<runId>/\`)`],
      ['role', code(input.roleArn)],
      ['download to (worker host)', input.downloadDir && code(input.downloadDir)],
      ...pollRows(input.poll, input.cancelGraceMs),
    ]),
    searchAttributes: searchAttributes('export', input.provider, input.applicationId),
  };
}

export function importMetadata(input: ImportInput): StartMetadata {
  const source =
    input.source.kind === 's3'
      ? code(input.source.s3Url)
      : `${input.source.paths.length} local file(s) on the worker host: ${input.source.paths.map(code).join(', ')}`;
  const summarySource = input.source.kind === 's3' ? input.source.s3Url : `${input.source.paths.length} local file(s)`;
  return {
    summary: `Import ${summarySource} (${input.format}) into ${input.provider} app ${input.applicationId}`,
    details: markdown('Import endpoints', [
      ['provider', input.provider],
      ['application', code(input.applicationId)],
      ['source', source],
      ['format', input.format],
      ['staging', input.stagingUrl && code(input.stagingUrl)],
      ['role', code(input.roleArn)],
      ['register endpoints', input.registerEndpoints === undefined ? undefined : String(input.registerEndpoints)],
      ['segment name', input.segmentName && code(input.segmentName)],
      ['failure report', input.reportUrl && code(input.reportUrl)],
      ['max job size', input.maxJobBytes === undefined ? undefined : formatBytes(input.maxJobBytes)],
      ['max concurrent jobs', input.maxConcurrentJobs === undefined ? undefined : String(input.maxConcurrentJobs)],
      ...pollRows(input.poll, input.cancelGraceMs),
    ]),
    searchAttributes: searchAttributes('import', input.provider, input.applicationId),
  };
}

export function syncMetadata(input: SyncInput): StartMetadata {
  const t = input.transform;
  const transform = t
    ? [
        t.keepChannelTypes && `keep channels ${t.keepChannelTypes.join(', ')}`,
        t.dropOptedOut && 'drop opted-out',
        t.dropInactive && 'drop inactive',
        t.includeAttributes && `include attributes ${t.includeAttributes.join(', ')}`,
        t.excludeAttributes && `exclude attributes ${t.excludeAttributes.join(', ')}`,
        t.renameAttributes &&
          `rename ${Object.entries(t.renameAttributes)
            .map(([a, b]) => `${a}→${b}`)
            .join(', ')}`,
        t.set &&
          `set ${Object.entries(t.set)
            .map(([a, b]) => `${a}=${b}`)
            .join(', ')}`,
      ]
        .filter(Boolean)
        .join('; ')
    : undefined;
  return {
    summary: `Sync ${input.provider} app ${input.sourceApplicationId} → ${input.targetApplicationId}${input.dryRun ? ' (dry run)' : ''}`,
    details: markdown('Sync endpoints', [
      ['provider', input.provider],
      ['source application', code(input.sourceApplicationId)],
      ['target application', code(input.targetApplicationId)],
      ['segment', segmentText(input.segmentId, input.segmentVersion)],
      ['S3 work area', `${code(input.s3Url)} (each run writes under \`<workflowId>/<runId>/\`)`],
      ['role', code(input.roleArn)],
      ['transform', transform],
      ['dry run', input.dryRun ? 'yes: no import job is created' : undefined],
      [
        'max parallel transfers',
        input.maxParallelTransfers === undefined ? undefined : String(input.maxParallelTransfers),
      ],
      ['max job size', input.maxJobBytes === undefined ? undefined : formatBytes(input.maxJobBytes)],
      ['max concurrent jobs', input.maxConcurrentJobs === undefined ? undefined : String(input.maxConcurrentJobs)],
      ['failure report', input.reportUrl && code(input.reportUrl)],
      ...pollRows(input.poll, input.cancelGraceMs),
    ]),
    searchAttributes: searchAttributes('sync', input.provider, input.sourceApplicationId, input.targetApplicationId),
  };
}
