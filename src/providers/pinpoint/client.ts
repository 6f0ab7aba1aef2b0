import { PinpointClient } from '@aws-sdk/client-pinpoint';
import type { PinpointClientConfig } from '@aws-sdk/client-pinpoint';
import { awsSettings } from '../../config';
import type { AwsSettings } from '../../config';

/**
 * A Pinpoint client for the configured region. The endpoint comes from AWS_ENDPOINT_URL_PINPOINT (read by the SDK
 * itself) and credentials from the default chain; `overrides` lets tests point it elsewhere.
 *
 * The SDK's own retries are off (maxAttempts 1): CreateImportJob/CreateExportJob are not idempotent, and an SDK retry
 * after a lost response would create a second job behind the adoption check. Errors are classified once
 * (providers/pinpoint/errors.ts) and retried by the activity's Temporal retry policy, which looks for the job first.
 */
export function createPinpointClient(
  settings: AwsSettings = awsSettings(),
  overrides: Partial<PinpointClientConfig> = {},
): PinpointClient {
  return new PinpointClient({ region: settings.region, maxAttempts: 1, ...overrides });
}
