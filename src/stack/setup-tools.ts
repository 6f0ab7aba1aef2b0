/**
 * `npm run setup`: finds or installs the Temporal CLI and SeaweedFS (see tools.ts), what the stack and the demo run.
 * The AWS CLI, which only the tests use, is provisioned by the tests' global setup.
 * Exit code 0 when Temporal and an S3 server are usable, 1 otherwise (with the reason).
 */
import { ensureTool, TOOLS } from './tools';
import type { ToolName } from './tools';

const STACK_TOOLS: ToolName[] = ['temporal', 'weed'];

function main(): number {
  const log = (line: string): void => console.log(line);
  let ok = true;
  for (const name of STACK_TOOLS) {
    const r = ensureTool(name, log);
    if (r.path) {
      console.log(`${name.padEnd(9)} ${r.installed ? 'installed' : 'found    '} ${r.path} (${r.version ?? '?'})`);
      continue;
    }
    if (name === 'weed' && process.env.AWS_ENDPOINT_URL_S3) {
      console.log(
        `weed      not available; using the S3 server at AWS_ENDPOINT_URL_S3=${process.env.AWS_ENDPOINT_URL_S3}`,
      );
      continue;
    }
    if (name === 'temporal') {
      console.log(
        `temporal  not available; tests fall back to the Temporal SDK's own download of the CLI (needs internet)`,
      );
      continue;
    }
    ok = false;
    console.error(`${name}: could not be installed: ${TOOLS[name].hint}`);
  }
  return ok ? 0 : 1;
}

process.exitCode = main();
