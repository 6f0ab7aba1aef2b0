/**
 * Who may call the admin API (/_emulator/...): a caller holding the admin token, talking to a
 * loopback name, from no web page. A browser adds `Origin` to every cross-site request and sends
 * the page's own host name, so a page the user opens can neither wipe nor fault the emulator
 * (a `text/plain` POST needs no CORS preflight); the token keeps out other local users' scripts.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The variable that carries the token to the emulator and to its callers (stack.env, the test harness). */
export const ADMIN_TOKEN_ENV = 'AUDIENCEFLOW_EMULATOR_ADMIN_TOKEN';

/** Host names the admin API answers to (with or without a port). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function newAdminToken(): string {
  return randomBytes(24).toString('hex');
}

/** The headers an admin call carries. */
export function adminHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

function hostName(host: string): string {
  const bracketed = /^(\[[^\]]*\])(?::\d+)?$/.exec(host);
  if (bracketed) return bracketed[1] as string;
  return host.replace(/:\d+$/, '').toLowerCase();
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface AdminRefusal {
  status: 401 | 403;
  message: string;
}

/** Why an admin request is refused, or undefined when it may go on. Never echoes the token. */
export function adminRefusal(headers: IncomingHttpHeaders, token: string): AdminRefusal | undefined {
  if (headers.origin !== undefined) {
    return { status: 403, message: 'the admin API refuses requests from web pages (an Origin header was sent)' };
  }
  const host = headers.host ?? '';
  if (!LOOPBACK_HOSTS.has(hostName(host))) {
    return { status: 403, message: 'the admin API answers only to 127.0.0.1, localhost or [::1] in the Host header' };
  }
  const auth = headers.authorization ?? '';
  const given = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
  if (!given || !sameToken(given, token)) {
    return {
      status: 401,
      message: `the admin API needs "Authorization: Bearer <token>" with the emulator's admin token (${ADMIN_TOKEN_ENV})`,
    };
  }
  return undefined;
}
