import { PinpointClient } from '@aws-sdk/client-pinpoint';
import type { PinpointClientConfig } from '@aws-sdk/client-pinpoint';
import { awsSettings } from '../../config';
import type { AwsSettings } from '../../config';

/**
 * A Pinpoint client for the configured region. The endpoint comes from AWS_ENDPOINT_URL_PINPOINT (read by the SDK
 * itself) and credentials from the default chain; `overrides` lets tests point it elsewhere.
 */
export function createPinpointClient(
  settings: AwsSettings = awsSettings(),
  overrides: Partial<PinpointClientConfig> = {},
): PinpointClient {
  return new PinpointClient({ region: settings.region, ...overrides });
}
