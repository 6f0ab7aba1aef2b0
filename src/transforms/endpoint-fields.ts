/**
 * The field names of Pinpoint endpoint records (service model shapes EndpointRequest and
 * EndpointResponse) that transforms and the export → import conversion need to know.
 */

import {
  CHANNEL_TYPES,
  DEMOGRAPHIC_FIELDS,
  ENDPOINT_LIMITS,
  ENDPOINT_STATUSES,
  OPT_OUT_VALUES,
} from '../formats/endpoint';

export { CHANNEL_TYPES, DEMOGRAPHIC_FIELDS };

/** Fields an import file may carry: EndpointRequest's members plus `Id` (which makes the import an upsert by id). */
export const IMPORT_FIELDS = [
  'Id',
  'Address',
  'Attributes',
  'ChannelType',
  'Demographic',
  'EffectiveDate',
  'EndpointStatus',
  'Location',
  'Metrics',
  'OptOut',
  'RequestId',
  'User',
] as const;

/** Settable string fields at the top level, with their allowed values where the model has an enum. */
export const TOP_LEVEL_SETTABLE: Record<string, readonly string[] | null> = {
  Address: null,
  ChannelType: CHANNEL_TYPES,
  EffectiveDate: null,
  EndpointStatus: ENDPOINT_STATUSES,
  OptOut: OPT_OUT_VALUES,
  RequestId: null,
};

export const LOCATION_STRING_FIELDS = ['City', 'Country', 'PostalCode', 'Region'] as const;
export const LOCATION_NUMBER_FIELDS = ['Latitude', 'Longitude'] as const;

/** Pinpoint quota: attribute names are at most 50 characters. */
export const MAX_ATTRIBUTE_NAME_LENGTH = ENDPOINT_LIMITS.maxAttributeNameLength;
