import type { PinpointClient } from '@aws-sdk/client-pinpoint';
import { ApplicationFailure } from '@temporalio/common';
import { aepSettings } from '../config';
import { FailureType } from '../contracts';
import type { ProviderName } from '../contracts';
import { AepClient, AepJobs } from './aep';
import { PinpointJobs } from './pinpoint/jobs';
import type { ProviderAdapter } from './types';

export * from './types';

/** Clients the adapters need. AEP's is built on first use (from AEP_* variables unless given). */
export interface ProviderClients {
  pinpoint: PinpointClient;
  region: string;
  aep?: () => AepClient;
}

/** The AEP client from the environment; a missing or malformed AEP_* variable is a BadInput failure naming it. */
export function aepClientFromEnv(env: NodeJS.ProcessEnv = process.env): AepClient {
  try {
    return new AepClient(aepSettings(env));
  } catch (err) {
    throw ApplicationFailure.nonRetryable(
      `AEP is not configured on the worker: ${(err as Error).message}`,
      FailureType.BadInput,
    );
  }
}

/** One line per provider: adding a provider is its folder under src/providers/, its emulator, and a line here. */
const REGISTRY: Record<ProviderName, (clients: ProviderClients) => ProviderAdapter> = {
  pinpoint: (c) => new PinpointJobs(c.pinpoint, c.region),
  aep: (c) => {
    let client: AepClient | undefined;
    return new AepJobs(() => (client ??= (c.aep ?? aepClientFromEnv)()));
  },
};

/** The adapter for a provider name (as given in a workflow input). */
export function providerFor(name: ProviderName, clients: ProviderClients): ProviderAdapter {
  const make = Object.hasOwn(REGISTRY, name) ? REGISTRY[name] : undefined;
  if (!make) {
    throw ApplicationFailure.nonRetryable(
      `provider "${String(name)}" is not supported; use --provider ${Object.keys(REGISTRY).join(' or --provider ')}`,
      FailureType.BadInput,
    );
  }
  return make(clients);
}
