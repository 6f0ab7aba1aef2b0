/**
 * Admin API for tests and the demo, under /_emulator/ (not an Adobe path): seed, reset, counts,
 * faults, token expiry, job stall/release. Guarded by the admin token when one is configured.
 */
import { AepError, badRequest, notFound } from '../errors';
import { faultsSchema } from '../faults';
import { parseJson } from '../http';
import { parseSeed } from '../seed';
import type { Route } from './types';

function jobId(raw: string | undefined): number {
  if (!/^\d+$/.test(raw ?? '')) throw badRequest('EMU-0400-400', 'job id must be a number');
  return Number(raw);
}

export const adminRoutes: Route[] = [
  { method: 'GET', path: '/_emulator/health', handler: () => ({ status: 200, body: { ok: true, provider: 'aep' } }) },
  {
    method: 'GET',
    path: '/_emulator/counts',
    handler: ({ core }) => ({
      status: 200,
      body: {
        ...core.state.counts(),
        tokensIssued: core.issuer.issuedCount,
        deleteCalls: core.deleteCalls,
        bytesServed: core.bytesServed,
      },
    }),
  },
  {
    method: 'POST',
    path: '/_emulator/seed',
    async handler({ core, body }) {
      try {
        core.state.addSeed(parseSeed(parseJson(await body())));
      } catch (err) {
        if (err instanceof AepError) throw err;
        throw badRequest('EMU-0400-400', (err as Error).message);
      }
      return { status: 200, body: core.state.counts() };
    },
  },
  {
    method: 'POST',
    path: '/_emulator/reset',
    async handler({ core }) {
      await core.reset();
      return { status: 200, body: core.state.counts() };
    },
  },
  { method: 'GET', path: '/_emulator/faults', handler: ({ core }) => ({ status: 200, body: core.faults }) },
  {
    method: 'POST',
    path: '/_emulator/faults',
    async handler({ core, body }) {
      const parsed = faultsSchema.safeParse(parseJson(await body()));
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
        throw badRequest('EMU-0400-400', `invalid faults: ${issues}`);
      }
      const { deleteAnswer, ...faults } = parsed.data;
      core.faults = faults;
      if (deleteAnswer !== undefined) core.deleteAnswer = deleteAnswer;
      return { status: 200, body: { ...core.faults, deleteAnswer: core.deleteAnswer } };
    },
  },
  {
    method: 'DELETE',
    path: '/_emulator/faults',
    handler({ core }) {
      core.faults = { rules: [], failNextJobs: 0, stallNextJobs: 0 };
      return { status: 200, body: core.faults };
    },
  },
  {
    method: 'POST',
    path: '/_emulator/tokens/expire',
    handler: ({ core }) => ({ status: 200, body: { expired: core.issuer.expireAll() } }),
  },
  {
    method: 'POST',
    path: '/_emulator/jobs/:id/stall',
    handler({ core, params }) {
      if (!core.runner.stall(jobId(params.id))) throw notFound('EMU-0404-404', `job ${params.id ?? ''} is not running`);
      return { status: 200, body: { stalled: true } };
    },
  },
  {
    method: 'POST',
    path: '/_emulator/jobs/:id/release',
    handler({ core, params }) {
      if (!core.runner.release(jobId(params.id)))
        throw notFound('EMU-0404-404', `job ${params.id ?? ''} is not running`);
      return { status: 200, body: { stalled: false } };
    },
  },
];
