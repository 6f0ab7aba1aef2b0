/**
 * Helpers for tests against the AEP emulator over plain HTTP: start it with a seed, get an IMS
 * token, build the platform headers, call admin routes, and the seeded segment members computed
 * here from the seed (independently of the emulator's own selection code).
 */
import { startAepEmulator } from '../../src/aep-emulator';
import type { AepEmulatorOptions, RunningAepEmulator } from '../../src/aep-emulator';

export const ORG_ID = 'TESTORG0123456789@AdobeOrg';
export const SANDBOX = 'prod';
export const CLIENT_ID = 'test-client-id';
export const CLIENT_SECRET = 'test-client-secret';
export const ADMIN_TOKEN = 'test-admin-token';
export const SEG_A = 'seg-a-0000-0000-0000-000000000001';
export const SEG_B = 'seg-b-0000-0000-0000-000000000002';
export const MERGE_POLICY = 'mp-default';
const UNION_SCHEMA = 'https://ns.adobe.com/xdm/context/profile__union';
export const DAY = 86_400_000;
export const BASE_TIME = Date.parse('2026-01-01T00:00:00Z');

export interface TestProfile {
  _id: string;
  personalEmail: { address: string };
  mobilePhone?: { number: string };
  person: { name: { firstName: string; lastName: string } };
  homeAddress: { countryCode: string };
  identityMap: Record<string, { id: string; primary: boolean }[]>;
  segmentMembership: { ups: Record<string, { status: string; lastQualificationTime: string }> };
  _repo: { modifyDate: string };
}

const STATUSES = ['realized', 'existing', 'exited'];

/** n profiles: SEG_A membership cycles realized/existing/exited, every other one is in SEG_B; times spread by day. */
export function testProfiles(n: number): TestProfile[] {
  return Array.from({ length: n }, (_, i) => {
    const id = `profile-${String(i).padStart(5, '0')}`;
    const membership: TestProfile['segmentMembership']['ups'] = {
      [SEG_A]: {
        status: STATUSES[i % 3] as string,
        lastQualificationTime: new Date(BASE_TIME + i * DAY).toISOString(),
      },
    };
    if (i % 2 === 0)
      membership[SEG_B] = { status: 'realized', lastQualificationTime: new Date(BASE_TIME).toISOString() };
    return {
      _id: id,
      personalEmail: { address: `user${i}@example.com` },
      ...(i % 4 === 0 ? {} : { mobilePhone: { number: `+1555000${String(i).padStart(4, '0')}` } }),
      person: { name: { firstName: `First${i}`, lastName: `Last${i}` } },
      homeAddress: { countryCode: i % 2 ? 'US' : 'DE' },
      identityMap: { email: [{ id: `user${i}@example.com`, primary: true }] },
      segmentMembership: { ups: membership },
      _repo: { modifyDate: new Date(BASE_TIME + i * DAY).toISOString() },
    };
  });
}

export function testSeed(profiles: TestProfile[]): Record<string, unknown> {
  return {
    profiles,
    segments: [
      { id: SEG_A, name: 'Segment A', namespace: 'ups' },
      { id: SEG_B, name: 'Segment B', namespace: 'ups' },
    ],
    mergePolicies: [{ id: MERGE_POLICY, name: 'Default', version: 2 }],
  };
}

/** The profiles a job on `segmentId` with `statuses` (and an optional qualification window) must export. */
export function expectedMembers(
  profiles: TestProfile[],
  segmentId: string,
  statuses: string[] = ['realized', 'existing'],
  window: { start?: number; end?: number } = {},
): TestProfile[] {
  return profiles.filter((p) => {
    const m = p.segmentMembership.ups[segmentId];
    if (!m || !statuses.includes(m.status)) return false;
    const t = Date.parse(m.lastQualificationTime);
    return (window.start === undefined || t >= window.start) && (window.end === undefined || t <= window.end);
  });
}

export async function startTestAep(
  profiles: TestProfile[],
  options: Partial<AepEmulatorOptions> = {},
): Promise<RunningAepEmulator> {
  return startAepEmulator({ pace: 'instant', adminToken: ADMIN_TOKEN, seed: testSeed(profiles), ...options });
}

export async function admin(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}/_emulator/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function imsToken(url: string, clientId = CLIENT_ID, clientSecret = CLIENT_SECRET): Promise<string> {
  const res = await fetch(`${url}/ims/token/v3`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      scope: 'openid,AdobeID,read_organizations',
    }).toString(),
  });
  if (res.status !== 200) throw new Error(`IMS answered ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export function platformHeaders(token: string, json = false): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    'x-api-key': CLIENT_ID,
    'x-gw-ims-org-id': ORG_ID,
    'x-sandbox-name': SANDBOX,
    ...(json ? { 'content-type': 'application/json' } : {}),
  };
}

/** A dataset on the profile union schema, created through Catalog; returns its id. */
export async function createDataset(url: string, token: string): Promise<string> {
  const res = await fetch(`${url}/data/foundation/catalog/dataSets`, {
    method: 'POST',
    headers: platformHeaders(token, true),
    body: JSON.stringify({
      name: 'audience export',
      schemaRef: { id: UNION_SCHEMA, contentType: 'application/vnd.adobe.xed+json;version=1' },
      fileDescription: { persisted: true, containerFormat: 'parquet', format: 'parquet' },
      aspect: 'production',
    }),
  });
  if (res.status !== 201) throw new Error(`Catalog answered ${res.status}`);
  const [ref] = (await res.json()) as string[];
  return (ref as string).replace('@/datasets/', '');
}

/** The profile as it reads back from Parquet when projected to `fields` (dot paths), `_id` always. */
export function projected(p: TestProfile, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { _id: p._id };
  for (const f of fields) {
    const parts = f.split('.');
    let v: unknown = p;
    for (const part of parts) v = v === undefined ? undefined : (v as Record<string, unknown>)[part];
    if (v === undefined) continue;
    let cur = out;
    for (const part of parts.slice(0, -1)) cur = (cur[part] ??= {}) as Record<string, unknown>;
    cur[parts[parts.length - 1] as string] = v;
  }
  return out;
}
