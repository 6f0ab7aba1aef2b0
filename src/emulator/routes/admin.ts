/**
 * Admin API for tests, outside /v1 (no signature needed): faults, reset, counts, job stall/release.
 * Documented in docs/emulator.md.
 */
import { badRequest, notFound } from '../errors';
import { faultsSchema, noFaults } from '../faults';
import type { Route } from './types';

export const adminRoutes: Route[] = [
  {
    method: 'GET',
    path: '/_emulator/health',
    operation: 'AdminHealth',
    handler: () => ({ status: 200, body: { ok: true } }),
  },
  {
    method: 'GET',
    path: '/_emulator/counts',
    operation: 'AdminCounts',
    handler: ({ core }) => ({ status: 200, body: core.counts() }),
  },
  {
    method: 'GET',
    path: '/_emulator/faults',
    operation: 'AdminGetFaults',
    handler: ({ core }) => ({ status: 200, body: core.faults }),
  },
  {
    method: 'POST',
    path: '/_emulator/faults',
    operation: 'AdminSetFaults',
    async handler({ core, body }) {
      const parsed = faultsSchema.safeParse(await body());
      if (!parsed.success) {
        throw badRequest(
          `invalid faults: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
        );
      }
      Object.assign(core.faults, parsed.data);
      return { status: 200, body: core.faults };
    },
  },
  {
    method: 'DELETE',
    path: '/_emulator/faults',
    operation: 'AdminClearFaults',
    handler({ core }) {
      core.faults = noFaults();
      return { status: 200, body: core.faults };
    },
  },
  {
    method: 'POST',
    path: '/_emulator/reset',
    operation: 'AdminReset',
    async handler({ core, engine }) {
      await core.reset();
      engine.wakeAll();
      return { status: 200, body: core.counts() };
    },
  },
  {
    method: 'POST',
    path: '/_emulator/jobs/:jobId/stall',
    operation: 'AdminStallJob',
    handler({ engine, params }) {
      if (!engine.stall(params.jobId ?? '')) throw notFound(`job ${params.jobId}`);
      return { status: 200, body: { stalled: true } };
    },
  },
  {
    method: 'POST',
    path: '/_emulator/jobs/:jobId/release',
    operation: 'AdminReleaseJob',
    handler({ engine, params }) {
      if (!engine.release(params.jobId ?? '')) throw notFound(`job ${params.jobId}`);
      return { status: 200, body: { stalled: false } };
    },
  },
];
