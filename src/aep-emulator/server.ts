/**
 * The HTTP front door on one port: IMS (`/ims/token/v3`), the platform routes behind the gateway
 * checks and fault injection, and the admin routes (`/_emulator/`, admin token, no browser origins).
 */
import http from 'node:http';
import { adminRefusal as sharedAdminRefusal } from '../emulator/admin-guard';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AepEmulatorCore } from './core';
import { AepError, ImsError } from './errors';
import { takeFault } from './faults';
import type { FaultRule } from './faults';
import { checkPlatformHeaders } from './gateway';
import { readBody, sendAepError, sendBytes, sendEmpty, sendImsError, sendJson } from './http';
import { adminRoutes } from './routes/admin';
import { catalogRoutes } from './routes/catalog';
import { dataAccessRoutes } from './routes/data-access';
import { exportJobRoutes } from './routes/export-jobs';
import { imsRoutes } from './routes/ims';
import { matchRoute } from './routes/router';
import type { Answer, Route } from './routes/types';

const platformRoutes: Route[] = [...catalogRoutes, ...exportJobRoutes, ...dataAccessRoutes];

function sendAnswer(
  core: AepEmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  answer: Answer,
  requestId: string,
  cutAfter?: number,
): void {
  if ('bytes' in answer) {
    core.bytesServed += sendBytes(req, res, answer.bytes, answer.head, cutAfter);
    return;
  }
  if (answer.body === undefined) return sendEmpty(res, answer.status);
  sendJson(res, answer.status, answer.body, { 'x-request-id': requestId, ...answer.headers });
}

function faultError(rule: FaultRule): AepError {
  if (rule.kind === 'throttle') {
    return new AepError(429, 'GW-429050-429', 'Too many requests; retry after the Retry-After seconds', {
      'retry-after': String(rule.retryAfterSeconds),
    });
  }
  return new AepError(rule.status, `EMU-0${rule.status}-${rule.status}`, 'Internal server error (injected)');
}

/**
 * The Pinpoint emulator's admin rule (token, loopback Host, no Origin); without a configured token only
 * the Host and Origin checks apply.
 */
function adminRefusal(req: IncomingMessage, adminToken: string | undefined): AepError | undefined {
  const r = sharedAdminRefusal(req.headers, adminToken ?? '');
  if (!r || (adminToken === undefined && r.status === 401)) return undefined;
  return new AepError(r.status, `EMU-0${r.status}-${r.status}`, r.message);
}

async function dispatch(
  core: AepEmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  let bodyPromise: Promise<Buffer> | undefined;
  const body = (): Promise<Buffer> => (bodyPromise ??= readBody(req));
  const isAdmin = url.pathname.startsWith('/_emulator/');
  if (isAdmin) {
    const refusal = adminRefusal(req, core.options.adminToken);
    if (refusal) throw refusal;
  }
  const routes = isAdmin ? adminRoutes : url.pathname.startsWith('/ims/') ? imsRoutes : platformRoutes;
  const m = matchRoute(routes, method, url.pathname);
  if (m.kind === 'unknown') throw new AepError(404, 'EMU-0404-404', `no route ${method} ${url.pathname}`);
  if (m.kind === 'method-not-allowed')
    throw new AepError(405, 'EMU-0405-405', `method ${method} is not allowed on ${url.pathname}`);
  const operation = m.route.operation ?? (routes === imsRoutes ? 'ims.token' : undefined);
  const fault = operation ? takeFault(core.faults, operation) : undefined;
  if (fault && (fault.kind === 'throttle' || fault.kind === 'error')) throw faultError(fault);
  if (fault?.kind === 'delay') await sleep(fault.delayMs);
  if (m.route.operation) checkPlatformHeaders(req, core.issuer, method);
  const answer = await m.route.handler({ core, req, url, params: m.params, requestId, body });
  if (fault?.kind === 'errorAfterCommit') throw faultError(fault);
  if (fault?.kind === 'dropAfterCommit') {
    res.destroy();
    return;
  }
  sendAnswer(core, req, res, answer, requestId, fault?.kind === 'cutBody' ? fault.bytes : undefined);
}

export function createAepServer(core: AepEmulatorCore): http.Server {
  const server = http.createServer((req, res) => {
    const requestId = randomUUID();
    dispatch(core, req, res, requestId)
      .catch((err: unknown) => {
        req.resume();
        if (err instanceof AepError) return sendAepError(res, err, requestId);
        if (err instanceof ImsError) return sendImsError(res, err);
        // Never echo internals that could hold profile data: the error's name only.
        process.stderr.write(
          `aep emulator: internal error in ${req.method} ${req.url?.split('?')[0]}: ${(err as Error).name}\n`,
        );
        sendAepError(res, new AepError(500, 'EMU-0500-500', 'Internal server error'), requestId);
      })
      .catch(() => res.destroy());
  });
  server.keepAliveTimeout = 60_000;
  return server;
}
