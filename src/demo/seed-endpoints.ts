/** Seeds an application with generated endpoints through UpdateEndpointsBatch (100 per request, a few requests at once). */
import { UpdateEndpointsBatchCommand } from '@aws-sdk/client-pinpoint';
import type { EndpointBatchItem, PinpointClient } from '@aws-sdk/client-pinpoint';
import type { GeneratorOptions } from './generate-endpoints';
import { seedingItems } from './generate-endpoints';

const BATCH = 100;
const PARALLEL = 4;

export interface SeedResult {
  endpoints: number;
  /** Endpoints whose Address was cleared after creation (invalid for an import elsewhere). */
  cleared: number;
  requests: number;
}

async function sendAll(
  pinpoint: PinpointClient,
  applicationId: string,
  items: EndpointBatchItem[],
  onBatch: () => void,
): Promise<number> {
  const batches: EndpointBatchItem[][] = [];
  for (let i = 0; i < items.length; i += BATCH) batches.push(items.slice(i, i + BATCH));
  let next = 0;
  const lane = async () => {
    while (next < batches.length) {
      const batch = batches[next++] ?? [];
      await pinpoint.send(
        new UpdateEndpointsBatchCommand({ ApplicationId: applicationId, EndpointBatchRequest: { Item: batch } }),
      );
      onBatch();
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  return batches.length;
}

/** Endpoints [0, count) of the generator into `applicationId`. */
export async function seedEndpoints(
  pinpoint: PinpointClient,
  applicationId: string,
  count: number,
  opts: GeneratorOptions = {},
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<SeedResult> {
  const creates: EndpointBatchItem[] = [];
  const updates: EndpointBatchItem[] = [];
  for (let i = 0; i < count; i++) {
    const { create, update } = seedingItems(i, opts);
    creates.push(create);
    if (update) updates.push(update);
  }
  let done = 0;
  const total = Math.ceil(creates.length / BATCH) + Math.ceil(updates.length / BATCH);
  const tick = () => onProgress(++done, total);
  const requests =
    (await sendAll(pinpoint, applicationId, creates, tick)) + (await sendAll(pinpoint, applicationId, updates, tick));
  return { endpoints: count, cleared: updates.length, requests };
}
