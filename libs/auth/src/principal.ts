/** Role names are defined by the domains that use them; the auth library treats them as opaque. */
export type Role = string;

/** The authenticated caller, derived from a verified access token. */
export interface Principal {
  subject: string;
  roles: Role[];
  /** Region the caller is scoped to, or null when the token carries none. */
  region: string | null;
  name?: string;
}
