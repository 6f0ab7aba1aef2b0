/**
 * Readable workflow ids: `export-<app>-20261123T132501Z`, `import-<app>-…`,
 * `sync-<source>-to-<target>-…`. The time is UTC, to the second.
 */

/** `yyyyMMddTHHmmssZ` in UTC. */
export function compactUtc(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** Keeps an id segment readable and safe (letters, digits, '.', '_', '-'). */
export function idSegment(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}

export function exportWorkflowId(applicationId: string, now = new Date()): string {
  return `export-${idSegment(applicationId)}-${compactUtc(now)}`;
}

export function importWorkflowId(applicationId: string, now = new Date()): string {
  return `import-${idSegment(applicationId)}-${compactUtc(now)}`;
}

export function syncWorkflowId(sourceApplicationId: string, targetApplicationId: string, now = new Date()): string {
  return `sync-${idSegment(sourceApplicationId)}-to-${idSegment(targetApplicationId)}-${compactUtc(now)}`;
}

/**
 * Base of the ids of a schedule's runs: the server appends `-<RFC 3339 time>` to the action's
 * workflow id, so runs read `export-<app>-2026-11-23T13:00:00Z`.
 */
export function defaultScheduleId(pipeline: 'export' | 'sync', apps: string[]): string {
  return pipeline === 'export'
    ? `export-${idSegment(apps[0] ?? 'app')}`
    : `sync-${idSegment(apps[0] ?? 'src')}-to-${idSegment(apps[1] ?? 'dst')}`;
}

/** When a generated id is taken (two starts in one second), try `<id>-2`, `<id>-3`, … */
export function withAttempt(id: string, attempt: number): string {
  return attempt <= 1 ? id : `${id}-${attempt}`;
}
