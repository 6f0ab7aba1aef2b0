/** Catalog Service: `POST /data/foundation/catalog/dataSets` answers 201 `["@/datasets/<id>"]`. */
import { z } from 'zod';
import { badRequest } from '../errors';
import { parseJson } from '../http';
import type { Route } from './types';

const dataSetSchema = z
  .object({
    name: z.string().min(1),
    schemaRef: z.object({ id: z.string().min(1), contentType: z.string().min(1) }),
    fileDescription: z
      .object({
        persisted: z.boolean().optional(),
        containerFormat: z.string().optional(),
        format: z.string().optional(),
      })
      .loose()
      .optional(),
    aspect: z.string().optional(),
  })
  .loose();

export const catalogRoutes: Route[] = [
  {
    method: 'POST',
    path: '/data/foundation/catalog/dataSets',
    operation: 'catalog.createDataSet',
    async handler({ core, body }) {
      const parsed = dataSetSchema.safeParse(parseJson(await body()));
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
        throw badRequest('CAT-101400-400', `invalid dataSet: ${issues}`);
      }
      const id = core.newDatasetId();
      core.state.datasets.set(id, {
        id,
        name: parsed.data.name,
        schemaId: parsed.data.schemaRef.id,
        created: Date.now(),
      });
      return { status: 201, body: [`@/datasets/${id}`] };
    },
  },
];
