import type { TransformSpec } from '../contracts/sync';
import { IMPORT_FIELDS } from './endpoint-fields';
import type { SetOperation } from './set-fields';
import { applySetOperation, compileSetOperation } from './set-fields';
import { parseTransformSpec } from './spec-schema';

/** A parsed JSON endpoint record (exported EndpointResponse in, import-ready EndpointRequest + Id out). */
export type EndpointRecord = Record<string, unknown>;

type FilterReason = 'channel-type' | 'opted-out' | 'inactive';

type TransformOutcome = { kind: 'keep'; endpoint: EndpointRecord } | { kind: 'filtered'; reason: FilterReason };

export type EndpointTransform = (exported: EndpointRecord) => TransformOutcome;

/**
 * Converts an exported EndpointResponse into an import-ready record: keeps the members of
 * EndpointRequest plus `Id`, drops ApplicationId, CohortId, CreationDate (they describe the
 * source application's copy) and anything unknown.
 *
 * `Id` is kept on purpose: the import then upserts by id, so the endpoint keeps its identity in
 * the target application (the same id in both apps), and running a sync again updates the
 * endpoints it created before instead of adding duplicates.
 */
/** A module-local copy: read for every record (an imported binding may be a getter once compiled). */
const FIELDS: readonly string[] = [...IMPORT_FIELDS];

export function toImportRecord(exported: EndpointRecord): EndpointRecord {
  const out: EndpointRecord = {};
  for (const field of FIELDS) {
    const v = exported[field];
    if (v !== undefined && v !== null) out[field] = v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Shallow-copies the objects `path` walks through, so writing there never changes the exported record. */
function copyObjectsOnPath(root: EndpointRecord, path: readonly string[]): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const v = node[key];
    if (!isPlainObject(v)) return;
    const copy = { ...v };
    node[key] = copy;
    node = copy;
  }
}

type MapEdit = (map: Record<string, unknown>) => Record<string, unknown>;

function compileAttributeEdit(spec: TransformSpec): MapEdit | undefined {
  const include = spec.includeAttributes ? new Set(spec.includeAttributes) : undefined;
  const exclude = spec.excludeAttributes?.length ? new Set(spec.excludeAttributes) : undefined;
  const renames =
    spec.renameAttributes && Object.keys(spec.renameAttributes).length ? spec.renameAttributes : undefined;
  if (!include && !exclude && !renames) return undefined;
  return (map) => {
    const kept: Record<string, unknown> = {};
    const renamed: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(map)) {
      if (include && !include.has(name)) continue;
      if (exclude?.has(name)) continue;
      const to = renames ? renames[name] : undefined;
      if (to !== undefined) renamed[to] = value;
      else kept[name] = value;
    }
    // A renamed attribute wins over one that already had the new name.
    return Object.assign(kept, renamed);
  };
}

/**
 * Compiles a TransformSpec (validated here; throws TransformSpecError) into one function applied
 * to every exported endpoint. The steps, in order:
 *
 * 1. convert to an import record (toImportRecord);
 * 2. filters on the exported values: keepChannelTypes, dropOptedOut (OptOut "ALL"),
 *    dropInactive (EndpointStatus "INACTIVE") — a filtered endpoint is counted, not imported;
 * 3. includeAttributes / excludeAttributes, by the exported names, in Attributes, Metrics and
 *    User.UserAttributes;
 * 4. renameAttributes in the same three maps (a renamed value replaces one already under the new name);
 * 5. set: field values by dot path (Attributes.* and User.UserAttributes.* become one-value lists,
 *    Metrics.* and Location.Latitude/Longitude numbers).
 *
 * An empty or absent spec only converts.
 */
export function compileTransform(specInput: TransformSpec | undefined): EndpointTransform {
  const spec = specInput ? parseTransformSpec(specInput) : {};
  const channels = spec.keepChannelTypes ? new Set<string>(spec.keepChannelTypes) : undefined;
  const dropOptedOut = spec.dropOptedOut === true;
  const dropInactive = spec.dropInactive === true;
  const editMap = compileAttributeEdit(spec);
  const sets: SetOperation[] = Object.entries(spec.set ?? {}).map(([path, value]) => {
    const op = compileSetOperation(path, value);
    if (typeof op === 'string') throw new Error(op); // unreachable: parseTransformSpec checked it
    return op;
  });

  return (exported) => {
    if (channels && !channels.has(String(exported.ChannelType))) return { kind: 'filtered', reason: 'channel-type' };
    if (dropOptedOut && exported.OptOut === 'ALL') return { kind: 'filtered', reason: 'opted-out' };
    if (dropInactive && exported.EndpointStatus === 'INACTIVE') return { kind: 'filtered', reason: 'inactive' };
    const endpoint = toImportRecord(exported);
    if (editMap) {
      if (isPlainObject(endpoint.Attributes)) endpoint.Attributes = editMap(endpoint.Attributes);
      if (isPlainObject(endpoint.Metrics)) endpoint.Metrics = editMap(endpoint.Metrics);
      if (isPlainObject(endpoint.User) && isPlainObject(endpoint.User.UserAttributes)) {
        endpoint.User = { ...endpoint.User, UserAttributes: editMap(endpoint.User.UserAttributes) };
      }
    }
    for (const op of sets) {
      copyObjectsOnPath(endpoint, op.path);
      applySetOperation(endpoint, op);
    }
    return { kind: 'keep', endpoint };
  };
}
