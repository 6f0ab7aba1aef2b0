/** The demo's two applications, found by name (so a second run reuses them) or created. */
import { CreateAppCommand, GetAppsCommand } from '@aws-sdk/client-pinpoint';
import type { PinpointClient } from '@aws-sdk/client-pinpoint';

export const DEMO_SOURCE_APP = 'audienceflow-demo-source';
export const DEMO_TARGET_APP = 'audienceflow-demo-target';

export async function findOrCreateApp(
  pinpoint: PinpointClient,
  name: string,
): Promise<{ id: string; created: boolean }> {
  let token: string | undefined;
  do {
    const page = await pinpoint.send(new GetAppsCommand({ PageSize: '100', Token: token }));
    const found = page.ApplicationsResponse?.Item?.find((a) => a.Name === name);
    if (found?.Id) return { id: found.Id, created: false };
    token = page.ApplicationsResponse?.NextToken;
  } while (token);
  const created = await pinpoint.send(new CreateAppCommand({ CreateApplicationRequest: { Name: name } }));
  const id = created.ApplicationResponse?.Id;
  if (!id) throw new Error(`CreateApp for ${name} returned no id`);
  return { id, created: true };
}

/** The application the demo's AEP activation imports into. */
export const DEMO_ACTIVATION_APP = 'audienceflow-demo-activation';
