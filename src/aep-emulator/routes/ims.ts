/** IMS: `POST /ims/token/v3`, form-encoded (application/x-www-form-urlencoded) as IMS takes it. */
import { ImsError } from '../errors';
import type { Route } from './types';

export const imsRoutes: Route[] = [
  {
    method: 'POST',
    path: '/ims/token/v3',
    async handler({ core, req, url, body }) {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      const raw = (await body()).toString('utf8');
      if (raw !== '' && type !== 'application/x-www-form-urlencoded') {
        throw new ImsError(
          400,
          'invalid_request',
          'send the token request form-encoded (application/x-www-form-urlencoded)',
        );
      }
      const form = new URLSearchParams(raw);
      // IMS also takes the parameters in the query string.
      for (const [k, v] of url.searchParams) if (!form.has(k)) form.set(k, v);
      return { status: 200, body: core.issuer.issue(form) };
    },
  },
];
