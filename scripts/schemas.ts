/**
 * `npm run schemas`: writes each pipeline's input and report as JSON Schema into docs/schemas/, so that any
 * Temporal client (Python, Go, Java, the `temporal` CLI) can start a run and read its report without this
 * project's code. Inputs come from the zod schemas the activities validate with (src/inputs); reports from the
 * TypeScript types the workflows return (src/contracts). A unit test fails when the committed files are stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { createGenerator } from 'ts-json-schema-generator';
import { exportInputSchema, importInputSchema } from '../src/inputs';
import { syncInputSchema } from '../src/inputs/sync-input';
import { PROJECT_ROOT } from '../src/config';

export const SCHEMAS_DIR = path.join(PROJECT_ROOT, 'docs', 'schemas');

/** Workflow type → its input schema (zod) and its report type (TypeScript). */
const PIPELINES = [
  { workflowType: 'exportEndpoints', file: 'export', input: exportInputSchema, report: 'ExportReport' },
  { workflowType: 'importEndpoints', file: 'import', input: importInputSchema, report: 'ImportReport' },
  { workflowType: 'syncEndpoints', file: 'sync', input: syncInputSchema, report: 'SyncReport' },
] as const;

function inputSchema(p: (typeof PIPELINES)[number]): object {
  return {
    ...z.toJSONSchema(p.input, { io: 'input', unrepresentable: 'any' }),
    title: `${p.workflowType} input`,
    description:
      `The one argument of the ${p.workflowType} workflow. Rules that span fields (e.g. a segment version needs a ` +
      'segment id) are checked by the workflow’s first activity, which fails the run with BadInput naming each field.',
  };
}

type SchemaGenerator = ReturnType<typeof createGenerator>;

/** One TypeScript program over the contracts, for all the report types. */
function contractsGenerator(): SchemaGenerator {
  return createGenerator({
    path: path.join(PROJECT_ROOT, 'src', 'contracts', 'index.ts'),
    tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
    skipTypeCheck: true,
    additionalProperties: true,
  });
}

function reportSchema(p: (typeof PIPELINES)[number], generator: SchemaGenerator): object {
  return {
    ...generator.createSchema(p.report),
    title: `${p.workflowType} report`,
    description:
      `What ${p.workflowType} returns when it completes; a failed run carries the same object as the first detail ` +
      'of its ApplicationFailure, a cancelled run keeps it in the memo under "report". Counts, keys and ids only.',
  };
}

/** JSON as the project's formatter writes it (`npm run lint` checks docs/ too). */
async function asJson(schema: object): Promise<string> {
  // Loaded here, not at the top: Jest (the schemas test imports this module) cannot load prettier's ES modules.
  const { format, resolveConfig } = await import('prettier');
  const config = await resolveConfig(path.join(SCHEMAS_DIR, 'x.json'));
  return format(JSON.stringify(schema), { ...config, parser: 'json' });
}

/** File name → schema, as committed under docs/schemas/. */
export function pipelineSchemas(): Record<string, object> {
  const files: Record<string, object> = {};
  const generator = contractsGenerator();
  for (const p of PIPELINES) {
    files[`${p.file}-input.schema.json`] = inputSchema(p);
    files[`${p.file}-report.schema.json`] = reportSchema(p, generator);
  }
  return files;
}

async function main(): Promise<void> {
  for (const [name, schema] of Object.entries(pipelineSchemas())) {
    fs.writeFileSync(path.join(SCHEMAS_DIR, name), await asJson(schema));
    console.log(`wrote docs/schemas/${name}`);
  }
}

if (require.main === module) void main();
