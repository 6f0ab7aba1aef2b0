import type { IncomingMessage } from 'node:http';
import type { AepEmulatorCore } from '../core';
import type { Operation } from '../faults';

interface RouteContext {
  core: AepEmulatorCore;
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  requestId: string;
  /** The raw request body. */
  body: () => Promise<Buffer>;
}

export type Answer =
  { status: number; body?: unknown; headers?: Record<string, string> } | { bytes: Uint8Array; head: boolean };

export interface Route {
  method: string;
  /** Segments starting with ':' are parameters. */
  path: string;
  /** Platform operation (gateway checks and faults apply); absent for IMS and admin routes. */
  operation?: Operation;
  handler(ctx: RouteContext): Promise<Answer> | Answer;
}
