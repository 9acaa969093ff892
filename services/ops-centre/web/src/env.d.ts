declare module 'virtual:country-codes' {
  /** [ISO numeric, ISO alpha-3, common name] */
  const rows: ReadonlyArray<readonly [string, string, string]>;
  export default rows;
}
