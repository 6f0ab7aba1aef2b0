/**
 * Endpoint shapes as Pinpoint defines them (the SDK's own types), plus the quotas and enums the
 * validator and the emulator share.
 */
import type { EndpointBatchItem } from '@aws-sdk/client-pinpoint';

/** One endpoint of an import file: an EndpointRequest that may carry its `Id` (new or existing endpoint). */
export type EndpointRecord = EndpointBatchItem;

export const CHANNEL_TYPES = [
  'PUSH',
  'GCM',
  'APNS',
  'APNS_SANDBOX',
  'APNS_VOIP',
  'APNS_VOIP_SANDBOX',
  'ADM',
  'SMS',
  'VOICE',
  'EMAIL',
  'BAIDU',
  'CUSTOM',
  'IN_APP',
] as const;

export const ENDPOINT_STATUSES = ['ACTIVE', 'INACTIVE'] as const;
export const OPT_OUT_VALUES = ['ALL', 'NONE'] as const;

export const LOCATION_FIELDS = ['City', 'Country', 'Latitude', 'Longitude', 'PostalCode', 'Region'] as const;
export const DEMOGRAPHIC_FIELDS = [
  'AppVersion',
  'Locale',
  'Make',
  'Model',
  'ModelVersion',
  'Platform',
  'PlatformVersion',
  'Timezone',
] as const;
/** Top-level scalar (string) fields of an import record. */
export const SCALAR_FIELDS = [
  'Id',
  'Address',
  'ChannelType',
  'EffectiveDate',
  'EndpointStatus',
  'OptOut',
  'RequestId',
] as const;
/** Fields only an EndpointResponse has (an exported file carries them; an import ignores them). */
export const RESPONSE_ONLY_FIELDS = ['ApplicationId', 'CohortId', 'CreationDate'] as const;

/** Documented Pinpoint quotas for one endpoint. */
export const ENDPOINT_LIMITS = {
  /** Maximum serialized size of one endpoint (15 KB). */
  maxEndpointBytes: 15 * 1024,
  /** Custom attributes (Attributes + Metrics + User.UserAttributes names). */
  maxCustomAttributes: 250,
  maxAttributeNameLength: 50,
  maxAttributeValueLength: 100,
  maxValuesPerAttribute: 50,
  /** Endpoints that may share one User.UserId. */
  maxEndpointsPerUser: 15,
  /** UpdateEndpointsBatch: items per request. */
  maxBatchItems: 100,
} as const;
