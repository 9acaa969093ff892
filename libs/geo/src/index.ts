export * from './desks';
export * from './countries';
export { normalizeCountryName } from './country-names';
export { admin1Key } from './admin1';
