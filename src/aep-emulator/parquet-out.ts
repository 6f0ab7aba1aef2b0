/**
 * Writes exported profiles as real Parquet (hyparquet-writer). XDM objects become nested structs;
 * maps (`identityMap`, `segmentMembership`), arrays, and fields whose type differs between profiles
 * become JSON columns. The schema comes from every seeded profile (projected to the job's fields), so
 * all files of a job share it whatever profiles each one holds.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';

type Leaf = 'string' | 'number' | 'boolean' | 'json';
export type FieldNode = { kind: Leaf } | { kind: 'struct'; children: Map<string, FieldNode> };

/** XDM fields that are maps (keys are data, not field names): written as JSON. */
const MAP_FIELDS = new Set(['identityMap', 'segmentMembership']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function leafKind(v: unknown): Leaf {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  return 'json';
}

function merge(node: FieldNode | undefined, value: unknown, forceJson: boolean): FieldNode | undefined {
  if (value === null || value === undefined) return node;
  if (forceJson || Array.isArray(value)) return { kind: 'json' };
  if (isObject(value)) {
    if (node && node.kind !== 'struct') return { kind: 'json' };
    const children = node?.kind === 'struct' ? node.children : new Map<string, FieldNode>();
    for (const [k, v] of Object.entries(value)) {
      const merged = merge(children.get(k), v, false);
      if (merged) children.set(k, merged);
    }
    return { kind: 'struct', children };
  }
  const kind = leafKind(value);
  if (node && node.kind !== kind) return { kind: 'json' };
  return { kind };
}

/** The columns of the rows: top-level field → node. Fields that are null everywhere are left out. */
export function deriveFields(rows: Iterable<Record<string, unknown>>): Map<string, FieldNode> {
  const top = new Map<string, FieldNode>();
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      const merged = merge(top.get(k), v, MAP_FIELDS.has(k));
      if (merged) top.set(k, merged);
    }
  }
  for (const [k, node] of top) if (node.kind === 'struct' && node.children.size === 0) top.delete(k);
  return top;
}

function leafElement(name: string, kind: Leaf, required: boolean): SchemaElement {
  const repetition_type = required ? 'REQUIRED' : 'OPTIONAL';
  switch (kind) {
    case 'string':
      return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type };
    case 'number':
      return { name, type: 'DOUBLE', repetition_type };
    case 'boolean':
      return { name, type: 'BOOLEAN', repetition_type };
    case 'json':
      return { name, type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type };
  }
}

function schemaElements(name: string, node: FieldNode, required: boolean): SchemaElement[] {
  if (node.kind !== 'struct') return [leafElement(name, node.kind, required)];
  const children = [...node.children.entries()].flatMap(([k, child]) => schemaElements(k, child, false));
  return [{ name, repetition_type: 'OPTIONAL', num_children: node.children.size }, ...children];
}

/** The value shaped to the node: structs get every child (null when absent), JSON stays a value. */
function conform(node: FieldNode, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (node.kind === 'struct') {
    if (!isObject(value)) return null;
    const out: Record<string, unknown> = {};
    for (const [k, child] of node.children) out[k] = conform(child, value[k]);
    return out;
  }
  return value;
}

/** One Parquet file of the rows, with the given columns (`_id` first and required). */
export function writeProfilesParquet(rows: Record<string, unknown>[], fields: Map<string, FieldNode>): Uint8Array {
  const names = ['_id', ...[...fields.keys()].filter((k) => k !== '_id')];
  const schema: SchemaElement[] = [{ name: 'schema', num_children: names.length }];
  const columnData = names.map((name) => {
    const node = fields.get(name) ?? { kind: 'string' };
    schema.push(...schemaElements(name, node, name === '_id'));
    return { name, data: rows.map((r) => conform(node, r[name])) };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData, schema, createdBy: 'audienceflow aep emulator' }));
}
