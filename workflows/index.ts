export { exportEndpoints } from './export';
export { importEndpoints } from './import';
export { syncEndpoints } from './sync';
export { syncTransferBatch } from './sync-transfer-batch';
export { exportProfiles } from './export-profiles';
export { cancelFollowUp } from './cancel-followup';
export { activateSegment } from './activate-segment';
