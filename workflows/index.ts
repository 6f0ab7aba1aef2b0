export { exportEndpoints } from './export';
export { importEndpoints } from './import';
export { syncEndpoints, syncTransferBatch } from './sync';
export { exportProfiles } from './export-profiles';
export { cancelFollowUp } from './cancel-followup';
export { activateSegment } from './activate-segment';
