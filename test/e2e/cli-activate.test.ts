/**
 * `audienceflow activate` on a real stack (Temporal dev server, SeaweedFS, the Pinpoint emulator, the AEP emulator over
 * HTTP, `audienceflow worker` as a child with AEP_* pointed at the emulator), typed as the README writes it: --wait
 * leaves exactly the segment members' endpoints in the Pinpoint application; list, status and schedule create know the
 * run, and neither its history nor the worker's log holds a profile value or a credential; cancel sends one DELETE
 * and leaves no endpoint; a bad mapping file exits 2 before any remote call.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetEndpointCommand, PinpointClient } from '@aws-sdk/client-pinpoint';
import { startAepEmulator } from '../../src/aep-emulator';
import type { RunningAepEmulator } from '../../src/aep-emulator';
import type { ActivateSegmentReport } from '../../src/contracts/aep-activate';
import { startStack } from '../harness';
import type { TestStack } from '../harness';
import {
  ADMIN_TOKEN,
  CLIENT_ID,
  CLIENT_SECRET,
  ORG_ID,
  SANDBOX,
  SEG_A,
  admin,
  expectedMembers,
  imsToken,
  platformHeaders,
  testProfiles,
  testSeed,
} from '../integration/aep-support';
import type { CliWorker } from './cli-support';
import { cliEnv, createApp, emulatorAdmin, runCli, startCliWorker, temporalText, waitFor } from './cli-support';

const PROFILES = testProfiles(24);
const MEMBERS = expectedMembers(PROFILES, SEG_A);
const WITH_PHONE = MEMBERS.filter((p) => p.mobilePhone);
const POLL = ['--poll-initial', '200ms', '--poll-max', '500ms'];

describe('audienceflow activate against a real stack', () => {
  let stack: TestStack;
  let emu: RunningAepEmulator;
  let env: NodeJS.ProcessEnv;
  let worker: CliWorker;
  let pinpoint: PinpointClient;
  let dir: string;

  beforeAll(async () => {
    [stack, emu] = await Promise.all([
      startStack(),
      startAepEmulator({ pace: 'fast', adminToken: ADMIN_TOKEN, seed: testSeed(PROFILES), rowsPerFile: 5 }),
    ]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-activate-'));
    env = cliEnv(stack, `cli-activate-${randomUUID()}`, {
      AEP_CLIENT_ID: CLIENT_ID,
      AEP_CLIENT_SECRET: CLIENT_SECRET,
      AEP_ORG_ID: ORG_ID,
      AEP_SANDBOX: SANDBOX,
      AEP_ENDPOINT_URL: emu.url,
      AEP_IMS_URL: emu.url,
    });
    pinpoint = new PinpointClient({
      endpoint: stack.emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    worker = await startCliWorker(env);
  });
  afterAll(async () => {
    await worker?.stop();
    pinpoint?.destroy();
    await emu?.close();
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await admin(emu.url, 'POST', 'reset');
    await admin(emu.url, 'POST', 'seed', testSeed(PROFILES));
  });

  const aepCounts = () => admin(emu.url, 'GET', 'counts') as Promise<{ tokensIssued: number; deleteCalls: number }>;
  const endpointsIn = async (app: string) =>
    (await emulatorAdmin<{ byApp: Record<string, { endpoints: number }> }>(stack, 'GET', 'counts')).byApp[app]
      ?.endpoints;

  async function aepJobs(): Promise<{ id: number; status: string }[]> {
    const res = await fetch(`${emu.url}/data/core/ups/export/jobs?limit=100`, {
      headers: platformHeaders(await imsToken(emu.url)),
    });
    return ((await res.json()) as { records: { id: number; status: string }[] }).records;
  }

  async function endpoint(app: string, id: string) {
    const out = await pinpoint.send(new GetEndpointCommand({ ApplicationId: app, EndpointId: id }));
    return out.EndpointResponse;
  }

  it("activate --wait (as the README writes it) leaves exactly the members' endpoints; list and status show the run", async () => {
    const app = await createApp(stack);
    const r = await runCli(['activate', '--segment', SEG_A, '--to-app', app, ...POLL, '--wait'], env, 120_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const id = /Started activate (\S+)/.exec(r.stdout)?.[1] ?? '';
    expect(id).toMatch(new RegExp(`^activate-${SEG_A}-to-${app}-\\d{8}T\\d{6}Z$`));
    expect(r.stdout).toContain(`Temporal UI: http://127.0.0.1:8233/namespaces/default/workflows/${id}`);
    expect(r.stdout).toMatch(/status\s+COMPLETED/);
    // The counts table: profiles, email, sms, no endpoint, rejected, imported, failed.
    const imported = MEMBERS.length + WITH_PHONE.length;
    expect(r.stdout).toMatch(
      new RegExp(`\\n${MEMBERS.length}\\s+${MEMBERS.length}\\s+${WITH_PHONE.length}\\s+0\\s+0\\s+${imported}\\s+0\\n`),
    );
    expect(r.stdout).toMatch(/import\s+\S+\s+\S+\s+SUCCEEDED/);

    expect(await endpointsIn(app)).toBe(imported);
    for (const p of MEMBERS) {
      expect(await endpoint(app, `${p._id}-email`)).toMatchObject({
        ChannelType: 'EMAIL',
        Address: p.personalEmail.address,
        User: { UserId: p._id },
        Attributes: {
          FirstName: [p.person.name.firstName],
          LastName: [p.person.name.lastName],
          CountryCode: [p.homeAddress.countryCode],
        },
      });
    }
    for (const p of WITH_PHONE) {
      expect(await endpoint(app, `${p._id}-sms`)).toMatchObject({
        ChannelType: 'SMS',
        Address: p.mobilePhone?.number,
        User: { UserId: p._id },
      });
    }
    expect(await aepJobs()).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);

    // Privacy: no profile value or credential in what Temporal keeps of the run (its whole history, its
    // description) or in the worker's log — field names may appear, values not.
    const handle = stack.temporal.client.workflow.getHandle(id);
    const kept = temporalText(await handle.fetchHistory()) + temporalText(await handle.describe()) + worker.output();
    const values = MEMBERS.flatMap((p) => [p.personalEmail.address, p.person.name.firstName, p.mobilePhone?.number]);
    expect(values.filter((v): v is string => v !== undefined && kept.includes(v))).toEqual([]);
    // Nor a credential: the client secret, an access token the emulator issued.
    expect(kept).not.toContain(CLIENT_SECRET);
    expect(kept).not.toMatch(/emu-[A-Za-z0-9_-]{20,}/);

    const list = await runCli(['list', '--pipeline', 'activate', '--app', app, '--json'], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({
        workflowId: id,
        pipeline: 'activate',
        status: 'COMPLETED',
        applicationId: `${SEG_A},${app}`,
      }),
    ]);
    const status = await runCli(['status', id, '--json'], env);
    expect(status.code).toBe(0);
    const shown = JSON.parse(status.stdout) as {
      pipeline: string;
      pipelineStatus: string;
      report: ActivateSegmentReport;
    };
    expect(shown).toMatchObject({ pipeline: 'activate', pipelineStatus: 'COMPLETED' });
    expect(shown.report).toMatchObject({ applicationId: app, imported: { processed: imported, failed: 0 } });
  }, 180_000);

  it('a mapping file and --dry-run: counts by the mapping, imports nothing', async () => {
    const app = await createApp(stack);
    const mapping = path.join(dir, 'mapping.json');
    fs.writeFileSync(mapping, JSON.stringify({ channels: [{ channel: 'EMAIL', address: 'personalEmail.address' }] }));
    const r = await runCli(
      ['activate', '--segment', SEG_A, '--to-app', app, '--mapping', mapping, '--dry-run', ...POLL, '--wait', '--json'],
      env,
      120_000,
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ActivateSegmentReport;
    expect(report).toMatchObject({ status: 'COMPLETED', dryRun: true, importJobs: [] });
    expect(report.totals.endpoints).toEqual({ EMAIL: MEMBERS.length, SMS: 0 });
    expect(await endpointsIn(app)).toBe(0);
  }, 120_000);

  it('a bad mapping file exits 2 naming the option and the field, before any remote call', async () => {
    const app = await createApp(stack);
    const before = await aepCounts();
    const bad = path.join(dir, 'bad-mapping.json');
    fs.writeFileSync(bad, JSON.stringify({ channels: [{ channel: 'FAX', address: 'personalEmail.address' }] }));
    const r = await runCli(['activate', '--segment', SEG_A, '--to-app', app, '--mapping', bad, '--wait'], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--mapping:');
    expect(r.stderr).toContain('mapping.channels.0.channel: must be EMAIL or SMS');
    const notJson = path.join(dir, 'not-json.json');
    fs.writeFileSync(notJson, '{"channels": [');
    const r2 = await runCli(['activate', '--segment', SEG_A, '--to-app', app, '--mapping', notJson], env);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--mapping: ".*not-json\.json" is not JSON/);
    const r3 = await runCli(['activate', '--segment', SEG_A, '--to-app', 'not-an-app'], env);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/--to-app: "not-an-app" is not a Pinpoint application id/);
    expect(await aepCounts()).toEqual(before);
    expect(await aepJobs()).toEqual([]);
  }, 60_000);

  it('cancel of a running activation: one DELETE, the AEP job CANCELLED, no endpoint, the run Canceled', async () => {
    const app = await createApp(stack);
    await admin(emu.url, 'POST', 'faults', { stallNextJobs: 1 });
    const r = await runCli(['activate', '--segment', SEG_A, '--to-app', app, ...POLL], env);
    expect(r.code).toBe(0);
    const id = /Started activate (\S+)/.exec(r.stdout)?.[1] ?? '';
    await waitFor('the AEP job to be PROCESSING', async () => (await aepJobs()).find((j) => j.status === 'PROCESSING'));
    const before = await aepCounts();
    const c = await runCli(['cancel', id, '--wait', '--json'], env, 60_000);
    expect(c.code).toBe(3);
    expect(JSON.parse(c.stdout)).toMatchObject({ status: 'CANCELLED', applicationId: app });
    expect((await aepCounts()).deleteCalls - before.deleteCalls).toBe(1);
    expect((await aepJobs()).map((j) => j.status)).toEqual(['CANCELLED']);
    expect(await endpointsIn(app)).toBe(0);
    const list = await runCli(['list', '--pipeline', 'activate', '--status', 'CANCELLED', '--json'], env);
    expect((JSON.parse(list.stdout) as { workflowId: string }[]).map((w) => w.workflowId)).toContain(id);
  }, 120_000);

  it('schedule create activate makes a schedule of activateSegment runs', async () => {
    const app = await createApp(stack);
    const r = await runCli(
      ['schedule', 'create', 'activate', '--segment', SEG_A, '--to-app', app, '--every', '1d', '--paused', '--json'],
      env,
    );
    expect(r.code).toBe(0);
    const created = JSON.parse(r.stdout) as { scheduleId: string; pipeline: string };
    expect(created).toMatchObject({ scheduleId: `activate-${SEG_A}-to-${app}`, pipeline: 'activate' });
    const d = await runCli(['schedule', 'describe', created.scheduleId, '--json'], env);
    expect(JSON.parse(d.stdout)).toMatchObject({ pipeline: 'activate', workflowType: 'activateSegment', paused: true });
    expect((await runCli(['schedule', 'delete', created.scheduleId], env)).code).toBe(0);
  }, 60_000);
});
