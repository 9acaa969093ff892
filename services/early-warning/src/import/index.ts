export * from './import-formats';
export { parseDay, parseMonth, type ImportRecord, type RowError } from './row-mappers';
export { openImport, type ImportOptions, type OpenedImport } from './open-import';
export { isAcledData } from './acled-data';
