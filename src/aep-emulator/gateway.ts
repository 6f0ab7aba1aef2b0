/**
 * The checks Adobe's API gateway makes before any platform route: bearer token issued by IMS and not
 * expired (401), `x-api-key` equal to the token's client id (403), `x-gw-ims-org-id` and
 * `x-sandbox-name` present and well formed (400), and `Content-Type: application/json` on POST (415).
 * Each refusal names the header and how to fix it.
 */
import type { IncomingMessage } from 'node:http';
import { AepError } from './errors';
import type { TokenIssuer } from './ims';

const ORG_ID = /^[A-Za-z0-9]+@AdobeOrg$/;
const SANDBOX = /^[a-z0-9][a-z0-9-]*$/;

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function checkPlatformHeaders(req: IncomingMessage, issuer: TokenIssuer, method: string): void {
  const token = issuer.check(header(req, 'authorization'));
  if (!token.ok) {
    const why = {
      missing: 'Authorization header is missing; send "Authorization: Bearer <access token>" from POST /ims/token/v3',
      unknown: 'Authorization bearer token is not valid; get a new access token from POST /ims/token/v3',
      expired: 'Authorization bearer token has expired; get a new access token from POST /ims/token/v3',
    }[token.reason];
    throw new AepError(401, token.reason === 'expired' ? 'GW-401013-401' : 'GW-401010-401', why);
  }
  const apiKey = header(req, 'x-api-key');
  if (!apiKey)
    throw new AepError(403, 'GW-403000-403', 'x-api-key header is missing; send your client id as x-api-key');
  if (apiKey !== token.clientId) {
    throw new AepError(403, 'GW-403003-403', 'x-api-key does not match the client id the access token was issued to');
  }
  const org = header(req, 'x-gw-ims-org-id');
  if (!org) {
    throw new AepError(
      400,
      'GW-400001-400',
      'x-gw-ims-org-id header is missing; send your IMS organization id (…@AdobeOrg)',
    );
  }
  if (!ORG_ID.test(org)) {
    throw new AepError(
      400,
      'GW-400002-400',
      'x-gw-ims-org-id is not an IMS organization id; it looks like ABC123@AdobeOrg',
    );
  }
  const sandbox = header(req, 'x-sandbox-name');
  if (!sandbox) {
    throw new AepError(
      400,
      'GW-400003-400',
      'x-sandbox-name header is missing; send the all-lowercase sandbox name (e.g. prod)',
    );
  }
  if (!SANDBOX.test(sandbox)) {
    throw new AepError(400, 'GW-400004-400', 'x-sandbox-name must be the all-lowercase sandbox name (e.g. prod)');
  }
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    const type = (header(req, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new AepError(415, 'GW-415000-415', 'Content-Type must be application/json on POST, PUT and PATCH requests');
    }
  }
}
