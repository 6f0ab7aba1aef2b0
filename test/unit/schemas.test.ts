/** docs/schemas/ is what `npm run schemas` writes from the code today: a changed input or report fails here. */
import fs from 'node:fs';
import path from 'node:path';
import { pipelineSchemas, SCHEMAS_DIR } from '../../scripts/schemas';

test('the committed JSON Schemas equal the ones generated from the zod inputs and the report types', () => {
  const generated = pipelineSchemas();
  const committed = fs.readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.schema.json'));
  expect(committed.sort()).toEqual(Object.keys(generated).sort());
  for (const [name, schema] of Object.entries(generated)) {
    // On a mismatch: run `npm run schemas` and commit docs/schemas/.
    expect({ [name]: JSON.parse(fs.readFileSync(path.join(SCHEMAS_DIR, name), 'utf8')) as unknown }).toEqual({
      [name]: schema,
    });
  }
}, 120_000);
