declare module 'virtual:country-codes' {
  /** [ISO numeric ('' where none), ISO alpha-3, common name as the API gives it, regional desk ('' where none)] */
  const rows: ReadonlyArray<readonly [string, string, string, string]>;
  export default rows;
}
