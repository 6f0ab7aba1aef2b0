/**
 * The AEP part of `npm run demo`: seeds the local AEP emulator with generated profiles in one segment (admin seed
 * route; a re-run upserts the same profile ids), then activates that segment into a Pinpoint application with the
 * activateSegment workflow, following it like `audienceflow activate --wait`. The profiles are synthetic: e-mail
 * addresses under example.com, phone numbers in the fictional +1 555 range.
 */
import type { CliClient } from '../cli/client';
import { activateMetadata } from '../cli/activate';
import { printOutcome, watchRun } from '../cli/watch';
import type { ActivateSegmentInput } from '../contracts/aep-activate';
import { adminHeaders } from '../emulator/admin-guard';
import { activateSegment } from '../../workflows';

export const DEMO_SEGMENT = 'audienceflow-demo-segment';
const FIRST_NAMES = ['Ada', 'Bo', 'Chen', 'Dara', 'Eli', 'Fatima', 'Goran', 'Hana', 'Ivo', 'Jun'];
const LAST_NAMES = ['Lee', 'Novak', 'Okafor', 'Silva', 'Tanaka', 'Weber', 'Young', 'Zhou'];
const COUNTRIES = ['US', 'DE', 'FR', 'JP', 'BR'];
const STATUSES = ['realized', 'existing', 'exited'] as const;

/** Profile i of the demo: a member of the segment (every seventh one has exited it), every fifth without a phone. */
export function demoProfile(i: number): Record<string, unknown> {
  const id = `demo-profile-${String(i).padStart(6, '0')}`;
  const first = FIRST_NAMES[i % FIRST_NAMES.length] as string;
  const last = LAST_NAMES[i % LAST_NAMES.length] as string;
  // Qualified (and updated) in the past year, before the run's qualification window ends at its start.
  const qualified = new Date(Date.now() - (1 + (i % 365)) * 86_400_000).toISOString();
  return {
    _id: id,
    personalEmail: { address: `${first.toLowerCase()}.${last.toLowerCase()}.${i}@example.com` },
    ...(i % 5 === 0 ? {} : { mobilePhone: { number: `+1555${String(i % 10_000_000).padStart(7, '0')}` } }),
    person: { name: { firstName: first, lastName: last } },
    homeAddress: { countryCode: COUNTRIES[i % COUNTRIES.length] },
    segmentMembership: {
      ups: { [DEMO_SEGMENT]: { status: i % 7 === 6 ? 'exited' : STATUSES[i % 2], lastQualificationTime: qualified } },
    },
    _repo: { modifyDate: qualified },
  };
}

/** How many of the first n demo profiles the activation exports (members realized or existing). */
export function demoMembers(n: number): number {
  let members = 0;
  for (let i = 0; i < n; i++) if (i % 7 !== 6) members++;
  return members;
}

/** Seeds n profiles, the segment and a merge policy through the emulator's admin route. */
export async function seedAepDemo(aepUrl: string, adminToken: string, n: number): Promise<void> {
  const seed = {
    profiles: Array.from({ length: n }, (_, i) => demoProfile(i)),
    segments: [{ id: DEMO_SEGMENT, name: 'audienceflow demo segment', namespace: 'ups' }],
    mergePolicies: [{ id: 'demo-merge-policy', name: 'demo', version: 1 }],
  };
  const res = await fetch(`${aepUrl.replace(/\/+$/, '')}/_emulator/seed`, {
    method: 'POST',
    headers: { ...adminHeaders(adminToken), 'content-type': 'application/json' },
    body: JSON.stringify(seed),
  });
  if (!res.ok) throw new Error(`seeding the AEP emulator failed: ${res.status} ${await res.text()}`);
}

/** Starts the activation, follows it and prints its report; returns the run's id and the CLI exit code. */
export async function runDemoActivation(
  cli: CliClient,
  input: Omit<ActivateSegmentInput, 'segments' | 'createDataset'>,
): Promise<{ workflowId: string; exitCode: number }> {
  const full: ActivateSegmentInput = {
    segments: [{ segmentId: DEMO_SEGMENT }],
    createDataset: { name: 'audienceflow demo activation' },
    ...input,
  };
  const meta = activateMetadata(full);
  const workflowId = `demo-activate-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const handle = await cli.client.workflow.start(activateSegment, {
    taskQueue: cli.settings.taskQueue,
    workflowId,
    args: [full],
    staticSummary: `Demo: ${meta.summary}`,
    staticDetails: meta.details,
    typedSearchAttributes: meta.searchAttributes,
  });
  process.stdout.write(`    started ${workflowId}\n`);
  const outcome = await watchRun(cli, workflowId, { json: false, intervalMs: 500 }, handle.firstExecutionRunId);
  if (outcome === 'detached') return { workflowId, exitCode: 130 };
  return { workflowId, exitCode: printOutcome(outcome, { json: false, pipeline: 'activate' }) };
}
