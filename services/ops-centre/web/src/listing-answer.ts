/** The rows a filtered listing shows, with the query (its filter) they answer. */
export interface Listed<R> {
  query: string;
  rows: R[];
}

export const listedNothing = <R>(query = ''): Listed<R> => ({ query, rows: [] });

/**
 * What a listing shows once its request for `query` failed. A refresh of the same filter that failed
 * keeps what it showed (beside the error, the picture as it was); a new filter refused (another
 * desk's country: 403) shows nothing, where the previous filter's rows stayed listed under it and read
 * as that filter's answer.
 */
export const afterFailure = <R>(listed: Listed<R>, query: string): Listed<R> => (listed.query === query ? listed : listedNothing(query));
