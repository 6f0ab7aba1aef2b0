/**
 * Any Temporal client can start a run: the official Python SDK (temporalio, from PyPI) starts a sync with only the
 * workflow type, the task queue and a JSON input that validates against docs/schemas/sync-input.schema.json, and
 * reads a report that validates against docs/schemas/sync-report.schema.json — on a real Temporal server, real S3
 * and the Pinpoint emulator, with the project's worker.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SyncReport } from '../../src/contracts';
import { PROJECT_ROOT } from '../../src/config';
import { seedEndpoints } from '../../src/demo/seed-endpoints';
import { findPython, pipInstallInto, toolsDir } from '../../src/stack/tools';
import { createApp, emulatorAdmin, startPipelineEnv } from '../integration/export-import-support';
import type { PipelineEnv } from '../integration/export-import-support';
import { GEN, generated, syncInput } from '../integration/sync-support';

const PYTHON_DIR = path.join(PROJECT_ROOT, 'test', 'python');
const SEEDED = 120;
let env: PipelineEnv;
let sitePackages: string;

/** Runs the Python client without blocking this process's event loop (the worker runs in it). */
function runPython(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const python = findPython();
  if (!python) throw new Error('python3 is needed for this test (the project setup expects it on PATH)');
  return new Promise((resolve, reject) => {
    const child = spawn(python, [path.join(PYTHON_DIR, 'start_sync.py'), ...args], {
      env: { ...process.env, PYTHONPATH: sitePackages },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The pinned requirements, installed once into .tools/python-client (a marker file names what is there). */
function provisionPythonClient(): string {
  const target = path.join(toolsDir(), 'python-client');
  const requirements = fs
    .readFileSync(path.join(PYTHON_DIR, 'requirements.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const marker = path.join(target, '.audienceflow-requirements');
  const wanted = requirements.join('\n');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === wanted) return target;
  const log: string[] = [];
  if (!pipInstallInto(target, requirements, (l) => log.push(l))) {
    throw new Error(`could not install the Python client's requirements: ${log.join(' ')}`);
  }
  fs.writeFileSync(marker, wanted);
  return target;
}

beforeAll(async () => {
  sitePackages = provisionPythonClient();
  env = await startPipelineEnv({ emulator: { pace: 'fast' } });
}, 600_000);

afterAll(async () => {
  await env?.stop();
});

test('a sync started from Python with a schema-valid JSON input completes and its report matches the schema', async () => {
  const source = await createApp(env.pinpoint, 'py-source');
  const target = await createApp(env.pinpoint, 'py-target');
  await seedEndpoints(env.pinpoint, source, SEEDED, GEN);
  const invalid = generated(SEEDED).filter((e) => e.Address === '').length;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'af-python-'));
  const inputFile = path.join(dir, 'input.json');
  fs.writeFileSync(inputFile, JSON.stringify(syncInput(env.bucket, source, target)));
  const workflowId = `python-sync-${Date.now()}`;
  try {
    const run = await runPython([
      env.stack.env.TEMPORAL_ADDRESS!,
      env.stack.env.TEMPORAL_NAMESPACE!,
      env.taskQueue,
      workflowId,
      inputFile,
      path.join(PROJECT_ROOT, 'docs', 'schemas'),
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as SyncReport;
    expect(report.workflowId).toBe(workflowId);
    expect(report.status).toBe('COMPLETED');
    expect(report.counts.exported).toBe(SEEDED);
    expect(report.counts.processed).toBe(SEEDED - invalid);
    expect((await emulatorAdmin(env).app(target)).endpoints).toBe(SEEDED - invalid);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the Python client refuses an input the schema rejects, before it reaches Temporal', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'af-python-'));
  const inputFile = path.join(dir, 'input.json');
  fs.writeFileSync(
    inputFile,
    JSON.stringify({ ...syncInput(env.bucket, 'a'.repeat(32), 'b'.repeat(32)), maxParallelTransfers: 0 }),
  );
  try {
    const run = await runPython([
      '127.0.0.1:1',
      'default',
      env.taskQueue,
      'never-started',
      inputFile,
      path.join(PROJECT_ROOT, 'docs', 'schemas'),
    ]);
    expect(run.status).not.toBe(0);
    // The first problem the schema finds; no connection was tried (the address is unreachable).
    expect(run.stderr).toMatch(/jsonschema\.exceptions\.ValidationError: 0 is less than the minimum of 1/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
