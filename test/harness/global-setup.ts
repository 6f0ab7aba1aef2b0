/** Jest globalSetup: provisions the tools once, before test files run in parallel. */
import { ensureTool } from '../../src/stack/tools';

export default function globalSetup(): void {
  for (const name of ['temporal', 'weed', 'aws', 'temporal-test-server'] as const) {
    const r = ensureTool(name, (line) => process.stderr.write(`${line}\n`));
    if (!r.path && name === 'weed') {
      throw new Error('SeaweedFS (weed) is not available and could not be installed: run `npm run setup` to see why');
    }
  }
}
