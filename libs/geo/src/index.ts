export * from './desks';
export * from './countries';
export { normalizeCountryName } from './country-names';
