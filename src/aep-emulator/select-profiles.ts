/**
 * Which profiles an export job writes: members of the filter's segments whose membership status is
 * one of the wanted ones and whose qualification time is inside `segmentQualificationTime`, updated
 * after `fromIngestTimestamp`; then projected to `fields` (dot paths; `_id` is always kept).
 */
import type { SeedProfile } from './seed';
import type { ExportJobRequest, SegmentFilter } from './state';

type Filter = NonNullable<ExportJobRequest['filter']>;

function membership(
  profile: SeedProfile,
  seg: SegmentFilter,
): { status: string; lastQualificationTime: string } | undefined {
  const byNs = profile.segmentMembership ?? {};
  const ns = Object.keys(byNs).find((k) => k.toLowerCase() === seg.segmentNs.toLowerCase());
  return ns === undefined ? undefined : byNs[ns]?.[seg.segmentId];
}

function inWindow(time: string, window: Filter['segmentQualificationTime']): boolean {
  const t = Date.parse(time);
  if (window?.startTime && t < Date.parse(window.startTime)) return false;
  if (window?.endTime && t > Date.parse(window.endTime)) return false;
  return true;
}

/** True when the profile is in the segment with a wanted status inside the qualification window. */
function isMember(profile: SeedProfile, seg: SegmentFilter, window: Filter['segmentQualificationTime']): boolean {
  const m = membership(profile, seg);
  return m !== undefined && seg.status.includes(m.status) && inWindow(m.lastQualificationTime, window);
}

function ingestTime(profile: SeedProfile, seededAt: number | undefined): number {
  const modified = profile._repo?.modifyDate;
  return modified ? Date.parse(modified) : (seededAt ?? 0);
}

/**
 * Profiles of `segments` (all profiles when none), in seed order. `segments` is the whole filter,
 * or one segment for a segmentPerBatch batch.
 */
export function selectProfiles(
  profiles: Iterable<SeedProfile>,
  seededAt: Map<string, number>,
  filter: Filter | undefined,
  segments: SegmentFilter[] | undefined,
): SeedProfile[] {
  const since = filter?.fromIngestTimestamp ? Date.parse(filter.fromIngestTimestamp) : undefined;
  const out: SeedProfile[] = [];
  for (const p of profiles) {
    if (since !== undefined && !(ingestTime(p, seededAt.get(p._id)) > since)) continue;
    if (segments && segments.length > 0 && !segments.some((s) => isMember(p, s, filter?.segmentQualificationTime))) {
      continue;
    }
    out.push(p);
  }
  return out;
}

function getPath(obj: unknown, parts: string[]): unknown {
  let cur = obj;
  for (const part of parts) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, parts: string[], value: unknown): void {
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (typeof next !== 'object' || next === null) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
}

/** The comma list of `fields` as dot paths; undefined = every field. */
export function parseFields(fields: string | undefined): string[][] | undefined {
  if (fields === undefined || fields.trim() === '') return undefined;
  return fields
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '')
    .map((f) => f.split('.'));
}

/** The profile limited to the given paths (plus `_id`); the whole profile when paths is undefined. */
export function project(profile: SeedProfile, paths: string[][] | undefined): Record<string, unknown> {
  if (!paths) return { ...profile };
  const out: Record<string, unknown> = { _id: profile._id };
  for (const parts of paths) {
    const value = getPath(profile, parts);
    if (value !== undefined) setPath(out, parts, value);
  }
  return out;
}
