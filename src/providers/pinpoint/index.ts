export { createPinpointClient } from './client';
export { classifyPinpointError, isAbortError, TransientFailureType } from './errors';
export type { CallContext } from './errors';
export { PinpointJobs, toProviderJob, LIST_PAGE_SIZE } from './jobs';
export { mapPinpointStatus } from './status';
