export * from './import-formats';
export { parseDay, parseMonth, type ImportRecord, type RowError } from './row-mappers';
export { openImport, type ImportOptions, type OpenedImport } from './open-import';
export { ACLED_ATTRIBUTION, attributionOf, attributionsOfCell, isAcledData, UCDP_ATTRIBUTION } from './acled-data';
