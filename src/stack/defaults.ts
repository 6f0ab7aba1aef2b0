/**
 * The local stack's options and their defaults: the one home of each, read by the launcher (stack.ts), the demo and
 * `audienceflow stack --help`. No imports, so the CLI's help stays fast.
 */

export interface StackOptions {
  temporalPort: number;
  uiPort: number;
  s3Port: number;
  emulatorPort: number;
  /** The Adobe Experience Platform emulator (IMS, Catalog, export jobs, Data Access on one port). */
  aepPort: number;
  bucket: string;
  pace: 'instant' | 'fast' | 'realistic';
  namespace: string;
}

export const DEFAULT_STACK_OPTIONS: StackOptions = {
  temporalPort: 7233,
  uiPort: 8233,
  s3Port: 8333,
  emulatorPort: 8787,
  aepPort: 8788,
  bucket: 'audienceflow-local',
  pace: 'fast',
  namespace: 'default',
};
