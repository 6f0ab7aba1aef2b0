/**
 * Which S3 objects an import job reads, Pinpoint's rule: the object the URL names, or every file of the job's format
 * under the folder (subfolders included). One definition for the emulator and for audienceflow's own planning of an
 * S3 source, so the two always agree. Pure, safe in the workflow sandbox.
 */
import type { EndpointFileFormat } from './import';

const IMPORT_FILE_EXTENSIONS: Record<EndpointFileFormat, readonly string[]> = {
  CSV: ['.csv'],
  JSON: ['.json', '.ndjson', '.jsonl'],
};

/** The file name endings an import of `format` reads from a folder (lower case; matched in any case). */
export function importFileExtensions(format: EndpointFileFormat): readonly string[] {
  return IMPORT_FILE_EXTENSIONS[format];
}

/** Whether an import of `format` reading a folder takes this key: a file (not a folder marker) with a matching ending. */
export function isImportFile(key: string, format: EndpointFileFormat): boolean {
  if (key.endsWith('/')) return false;
  const lower = key.toLowerCase();
  return IMPORT_FILE_EXTENSIONS[format].some((ext) => lower.endsWith(ext));
}

/**
 * The folder an import URL's key is read as when it names no object: '' (the whole bucket) or a prefix ending with
 * '/' (`in/batch` reads `in/batch/…`, never `in/batch-2/…`).
 */
export function importFolderPrefix(key: string): string {
  return key === '' || key.endsWith('/') ? key : `${key}/`;
}
