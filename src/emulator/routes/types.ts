import type { EmulatorCore } from '../core';
import type { JobEngine } from '../job-engine';

export interface RouteContext {
  core: EmulatorCore;
  engine: JobEngine;
  params: Record<string, string>;
  query: URLSearchParams;
  requestId: string;
  /** The JSON object body ({} when empty). */
  body: () => Promise<Record<string, unknown>>;
}

export type RouteResult = { status: number; body: unknown } | { status: number; rawJson: string };

export interface Route {
  method: string;
  /** Path segments; `:name` captures one (URL-decoded) segment. */
  path: string;
  operation: string;
  handler(ctx: RouteContext): Promise<RouteResult> | RouteResult;
}
