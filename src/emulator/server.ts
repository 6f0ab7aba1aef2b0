/**
 * The HTTP front door: SigV4 presence check (as the service's gateway does it), routing, fault
 * injection, and the restJson1 error envelope. Admin routes (/_emulator/...) skip SigV4 and faults but need the
 * admin token, a loopback Host and no Origin (admin-guard.ts).
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminRefusal } from './admin-guard';
import type { EmulatorCore } from './core';
import { ServiceError } from './errors';
import { requestFault } from './faults';
import { parseJsonObject, readBody, sendError, sendJson, sendRawJson } from './http-util';
import { newRequestId } from './ids';
import type { JobEngine } from './job-engine';
import { Router } from './router';
import { adminRoutes } from './routes/admin';
import { appRoutes } from './routes/apps';
import { endpointRoutes } from './routes/endpoints';
import { jobRoutes } from './routes/jobs';
import { segmentRoutes } from './routes/segments';
import type { RouteResult } from './routes/types';

const serviceRouter = new Router([...appRoutes, ...endpointRoutes, ...jobRoutes, ...segmentRoutes]);
const adminRouter = new Router(adminRoutes);

/** API Gateway-style refusal (lower-case `message`, as the gateway in front of Pinpoint answers). */
function sendGatewayError(res: ServerResponse, status: number, type: string, message: string, requestId: string): void {
  const json = JSON.stringify({ message });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': type,
  });
  res.end(json);
}

/** Returns the refusal for a request without a usable SigV4 signature, or undefined when signed. */
function authProblem(req: IncomingMessage, url: URL): { type: string; message: string } | undefined {
  if (url.searchParams.has('X-Amz-Signature')) return undefined;
  const auth = req.headers.authorization;
  if (!auth) return { type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  if (!auth.startsWith('AWS4-HMAC-SHA256 ')) {
    return {
      type: 'IncompleteSignatureException',
      message: `Authorization header requires the AWS4-HMAC-SHA256 scheme`,
    };
  }
  for (const part of ['Credential=', 'SignedHeaders=', 'Signature=']) {
    if (!auth.includes(part)) {
      return {
        type: 'IncompleteSignatureException',
        message: `Authorization header requires '${part.slice(0, -1)}' parameter. Authorization=${auth.split(' ')[0]}`,
      };
    }
  }
  if (!req.headers['x-amz-date'] && !req.headers.date) {
    return {
      type: 'IncompleteSignatureException',
      message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    };
  }
  return undefined;
}

function send(res: ServerResponse, result: RouteResult, requestId: string): void {
  if ('rawJson' in result) sendRawJson(res, result.status, result.rawJson, requestId);
  else sendJson(res, result.status, result.body, requestId);
}

export function createEmulatorServer(core: EmulatorCore, engine: JobEngine, adminToken: string): http.Server {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = newRequestId();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    let bodyPromise: Promise<Record<string, unknown>> | undefined;
    const body = (): Promise<Record<string, unknown>> => (bodyPromise ??= readBody(req).then(parseJsonObject));
    try {
      if (url.pathname.startsWith('/_emulator/')) {
        const refusal = adminRefusal(req.headers, adminToken);
        if (refusal) {
          req.resume();
          const type = refusal.status === 401 ? 'UnauthorizedException' : 'ForbiddenException';
          sendGatewayError(res, refusal.status, type, refusal.message, requestId);
          return;
        }
        const m = adminRouter.match(method, url.pathname);
        if (m.kind !== 'route') throw new ServiceError('NotFoundException', `no admin route ${method} ${url.pathname}`);
        send(
          res,
          await m.route.handler({ core, engine, params: m.params, query: url.searchParams, requestId, body }),
          requestId,
        );
        return;
      }
      const auth = authProblem(req, url);
      if (auth) {
        req.resume();
        sendGatewayError(res, 403, auth.type, auth.message, requestId);
        return;
      }
      const m = serviceRouter.match(method, url.pathname);
      if (m.kind === 'unknown') {
        req.resume();
        sendGatewayError(res, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token', requestId);
        return;
      }
      if (m.kind === 'method-not-allowed') {
        req.resume();
        throw new ServiceError('MethodNotAllowedException', `Method ${method} is not allowed on ${url.pathname}`);
      }
      const f = core.faults;
      if (f.latencyMs > 0 && (!f.operations || f.operations.includes(m.route.operation))) await sleep(f.latencyMs);
      const fault = requestFault(f, m.route.operation);
      if (fault === 'throttle') {
        req.resume();
        throw new ServiceError('TooManyRequestsException', 'Too many requests');
      }
      if (fault === 'error') {
        req.resume();
        throw new ServiceError('InternalServerErrorException', 'Internal server error');
      }
      const ctx = { core, engine, params: m.params, query: url.searchParams, requestId, body };
      const result = await m.route.handler(ctx);
      if (fault === 'errorAfterCommit') throw new ServiceError('InternalServerErrorException', 'Internal server error');
      send(res, result, requestId);
    } catch (err) {
      if (err instanceof ServiceError) {
        sendError(res, err, requestId);
        return;
      }
      // Never echo internals that could hold endpoint data: name only.
      process.stderr.write(`emulator: internal error in ${method} ${url.pathname}: ${(err as Error).name}\n`);
      sendError(res, new ServiceError('InternalServerErrorException', 'Internal server error'), requestId);
    }
  };
  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 60_000;
  return server;
}
