/**
 * Adobe IMS, OAuth server-to-server: `POST /ims/token/v3` (form-encoded grant_type=client_credentials,
 * client_id, client_secret, scope) issues bearer tokens that expire. Tokens are random and never logged.
 */
import { randomBytes } from 'node:crypto';
import { ImsError } from './errors';

export interface IssuedToken {
  clientId: string;
  expiresAtMs: number;
}

export type TokenCheck = { ok: true; clientId: string } | { ok: false; reason: 'missing' | 'unknown' | 'expired' };

export class TokenIssuer {
  private tokens = new Map<string, IssuedToken>();
  /** Tokens issued so far (admin counts). */
  issuedCount = 0;

  constructor(
    private readonly lifetimeSeconds: () => number,
    private readonly credentials: { clientId?: string; clientSecret?: string },
  ) {}

  /** Answers the form of a token request, or throws an OAuth error naming the field to fix. */
  issue(form: URLSearchParams, now = Date.now()): { access_token: string; token_type: string; expires_in: number } {
    const grantType = form.get('grant_type');
    if (grantType !== 'client_credentials') {
      throw new ImsError(
        400,
        'unsupported_grant_type',
        grantType
          ? `grant_type "${grantType}" is not supported; use client_credentials`
          : 'grant_type is required (client_credentials)',
      );
    }
    const clientId = form.get('client_id') ?? '';
    const clientSecret = form.get('client_secret') ?? '';
    if (!clientId) throw new ImsError(400, 'invalid_request', 'client_id is required');
    if (!clientSecret) throw new ImsError(400, 'invalid_request', 'client_secret is required');
    if (!form.get('scope'))
      throw new ImsError(400, 'invalid_scope', 'scope is required (e.g. openid,AdobeID,read_organizations)');
    const want = this.credentials;
    if (
      (want.clientId !== undefined && clientId !== want.clientId) ||
      (want.clientSecret !== undefined && clientSecret !== want.clientSecret)
    ) {
      throw new ImsError(401, 'invalid_client', 'invalid client_id or client_secret');
    }
    const token = `emu-${randomBytes(24).toString('base64url')}`;
    const lifetime = this.lifetimeSeconds();
    this.tokens.set(token, { clientId, expiresAtMs: now + lifetime * 1000 });
    this.issuedCount++;
    return { access_token: token, token_type: 'bearer', expires_in: lifetime };
  }

  /** Checks an `Authorization` header value. */
  check(authorization: string | undefined, now = Date.now()): TokenCheck {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) return { ok: false, reason: 'missing' };
    const issued = this.tokens.get(m[1] as string);
    if (!issued) return { ok: false, reason: 'unknown' };
    if (issued.expiresAtMs <= now) return { ok: false, reason: 'expired' };
    return { ok: true, clientId: issued.clientId };
  }

  /** Fault: every token issued so far expires now. */
  expireAll(now = Date.now()): number {
    for (const t of this.tokens.values()) t.expiresAtMs = Math.min(t.expiresAtMs, now);
    return this.tokens.size;
  }
}
