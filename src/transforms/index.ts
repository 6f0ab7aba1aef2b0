export { compileTransform, toImportRecord } from './apply-transform';
export type { EndpointRecord } from './apply-transform';
export { parseTransformSpec, transformSpecSchema, TransformSpecError } from './spec-schema';
