export { freeWeedPorts, startS3 } from './s3';
export type { S3Harness } from './s3';
export { startTemporal, quietTemporalLogs } from './temporal';
export { startEmulator } from './emulator';
export type { HarnessEmulator, HarnessEmulatorOptions } from './emulator';
export { startStack, TEST_ROLE_ARN } from './stack';
export type { TestStack } from './stack';
export { killOnExit, say } from './cleanup';
