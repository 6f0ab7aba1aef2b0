import type { PinpointClient } from '@aws-sdk/client-pinpoint';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../contracts';
import type { ProviderName } from '../contracts';
import { PinpointJobs } from './pinpoint/jobs';
import type { ProviderAdapter } from './types';

export * from './types';

/** Clients the adapters need; AEP's HTTP client joins here when that adapter is written. */
export interface ProviderClients {
  pinpoint: PinpointClient;
  region: string;
}

/** The adapter for a provider name (as given in a workflow input). */
export function providerFor(name: ProviderName, clients: ProviderClients): ProviderAdapter {
  switch (name) {
    case 'pinpoint':
      return new PinpointJobs(clients.pinpoint, clients.region);
    default:
      throw ApplicationFailure.nonRetryable(
        `provider "${name}" is not supported yet; use --provider pinpoint`,
        FailureType.BadInput,
      );
  }
}
