export { InputError } from './errors';
export { validateExportInput, exportInputSchema } from './export-input';
export { validateImportInput, importInputSchema } from './import-input';
export { checkLocalFiles, checkDownloadDir } from './local-paths';
export * as fields from './fields';
export { validateSyncInput } from './sync-input';
