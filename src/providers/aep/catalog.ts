/** Catalog Service: creates the export's target dataset on the profile union schema, as Parquet. */
import { classifyAepProblem } from './errors';
import type { AepHttp } from './http';

const PROFILE_UNION_SCHEMA = 'https://ns.adobe.com/xdm/context/profile__union';

export class AepCatalog {
  constructor(private readonly http: AepHttp) {}

  /** Creates the dataset; answers its id (from `["@/datasets/<id>"]`). */
  async createProfileDataset(name: string, signal?: AbortSignal): Promise<string> {
    const operation = 'create dataset';
    const answer = await this.http.json<unknown>(
      {
        method: 'POST',
        path: '/data/foundation/catalog/dataSets',
        body: {
          name,
          schemaRef: { id: PROFILE_UNION_SCHEMA, contentType: 'application/vnd.adobe.xed+json;version=1' },
          fileDescription: { persisted: true, containerFormat: 'parquet', format: 'parquet' },
          aspect: 'production',
        },
        signal,
      },
      { operation },
    );
    const ref: unknown = Array.isArray(answer) ? (answer as unknown[])[0] : undefined;
    const m = typeof ref === 'string' ? /^@\/datasets\/([^/\s]+)$/.exec(ref) : null;
    if (!m)
      throw classifyAepProblem({ status: 502, title: 'Catalog answered without "@/datasets/<id>"' }, { operation });
    return m[1] as string;
  }
}
