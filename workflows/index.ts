export { exportEndpoints } from './export';
export { importEndpoints } from './import';
export { syncEndpoints, syncTransferBatch } from './sync';
export { exportProfiles } from './export-profiles';
export { activateSegment } from './activate-segment';
