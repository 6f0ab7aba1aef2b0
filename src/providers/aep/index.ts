/**
 * The Adobe Experience Platform adapter (plain fetch; Adobe has no SDK for these APIs): IMS tokens,
 * Catalog dataset creation, Segmentation export jobs and Data Access downloads. Settings come from
 * src/config.ts (aepSettings); every method throws classified ApplicationFailures (errors.ts).
 */
import type { AepSettings } from '../../config';
import { AepCatalog } from './catalog';
import { AepDataAccess } from './data-access';
import { AepHttp } from './http';
import type { AepHttpSettings } from './http';
import { ImsTokenClient } from './ims';
import { AepExportJobs } from './jobs';

export * from './types';
export { AepJobs } from './adapter';
export class AepClient {
  readonly ims: ImsTokenClient;
  readonly http: AepHttp;
  readonly jobs: AepExportJobs;
  readonly catalog: AepCatalog;
  readonly dataAccess: AepDataAccess;

  constructor(
    settings: AepSettings,
    tuning: Partial<Pick<AepHttpSettings, 'maxAttempts' | 'maxRetryAfterMs' | 'serverErrorBackoffMs'>> = {},
  ) {
    this.ims = new ImsTokenClient({
      imsUrl: settings.imsUrl,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      scopes: settings.scopes,
    });
    this.http = new AepHttp(
      {
        endpoint: settings.endpoint,
        apiKey: settings.apiKey,
        orgId: settings.orgId,
        sandbox: settings.sandbox,
        ...tuning,
      },
      this.ims,
    );
    this.jobs = new AepExportJobs(this.http);
    this.catalog = new AepCatalog(this.http);
    this.dataAccess = new AepDataAccess(this.http);
  }
}
