/**
 * Which endpoints a DIMENSIONAL segment selects. The emulator evaluates the common dimensions
 * (channel, platform, country, attributes, user attributes, metrics); others make the export fail
 * with a message saying so, rather than silently exporting the wrong audience.
 */
import type { EndpointResponse, SegmentDimensions } from '@aws-sdk/client-pinpoint';

export type EndpointPredicate = (e: EndpointResponse) => boolean;

interface SetDim {
  DimensionType?: string;
  Values?: string[];
}
interface AttrDim {
  AttributeType?: string;
  Values?: string[];
}

function setMatch(dim: SetDim, value: string | undefined): boolean {
  const hit = value !== undefined && (dim.Values ?? []).includes(value);
  return dim.DimensionType === 'EXCLUSIVE' ? !hit : hit;
}

function attrMatch(dim: AttrDim, values: string[] | undefined): boolean {
  const want = dim.Values ?? [];
  const have = values ?? [];
  switch (dim.AttributeType ?? 'INCLUSIVE') {
    case 'INCLUSIVE':
      return have.some((v) => want.includes(v));
    case 'EXCLUSIVE':
      return !have.some((v) => want.includes(v));
    case 'CONTAINS':
      return have.some((v) => want.some((w) => v.includes(w)));
    default:
      throw new Error(`segment attribute type ${dim.AttributeType} is not evaluated by the emulator`);
  }
}

function metricMatch(dim: { ComparisonOperator?: string; Value?: number }, value: number | undefined): boolean {
  if (value === undefined || dim.Value === undefined) return false;
  switch (dim.ComparisonOperator) {
    case 'GREATER_THAN':
      return value > dim.Value;
    case 'LESS_THAN':
      return value < dim.Value;
    case 'GREATER_THAN_OR_EQUAL':
      return value >= dim.Value;
    case 'LESS_THAN_OR_EQUAL':
      return value <= dim.Value;
    case 'EQUAL':
      return value === dim.Value;
    default:
      throw new Error(`metric comparison ${dim.ComparisonOperator} is not evaluated by the emulator`);
  }
}

/** Builds the predicate of a segment's Dimensions; throws when a dimension is not supported. */
export function segmentPredicate(d: SegmentDimensions | undefined): EndpointPredicate {
  const checks: EndpointPredicate[] = [];
  if (!d) return () => true;
  const unsupported = (what: string): never => {
    throw new Error(`the segment dimension ${what} is not evaluated by the emulator`);
  };
  if (d.Behavior) unsupported('Behavior');
  if (d.Location?.GPSPoint) unsupported('Location.GPSPoint');
  const demo = d.Demographic;
  if (demo) {
    if (demo.DeviceType) unsupported('Demographic.DeviceType');
    const fields = ['AppVersion', 'Make', 'Model', 'Platform'] as const;
    if (demo.Channel) {
      const dim = demo.Channel;
      checks.push((e) => setMatch(dim, e.ChannelType));
    }
    for (const f of fields) {
      const dim = demo[f];
      if (dim) checks.push((e) => setMatch(dim, e.Demographic?.[f]));
    }
  }
  const country = d.Location?.Country;
  if (country) checks.push((e) => setMatch(country, e.Location?.Country));
  for (const [name, dim] of Object.entries(d.Attributes ?? {}))
    checks.push((e) => attrMatch(dim, e.Attributes?.[name]));
  for (const [name, dim] of Object.entries(d.UserAttributes ?? {})) {
    checks.push((e) => attrMatch(dim, e.User?.UserAttributes?.[name]));
  }
  for (const [name, dim] of Object.entries(d.Metrics ?? {})) checks.push((e) => metricMatch(dim, e.Metrics?.[name]));
  return (e) => checks.every((c) => c(e));
}
