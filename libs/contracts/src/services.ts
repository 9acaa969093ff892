/**
 * The platform's services: their names (also their Kafka consumer group ids and CloudEvents
 * source), Postgres schemas and default HTTP ports. Provisioning creates one schema and two roles
 * per entry: `<schema>_migrator` owns the schema, `<schema>_app` may only use it.
 */
export interface ServiceSpec {
  readonly name: ServiceName;
  readonly schema: string;
  readonly defaultPort: number;
}

export type ServiceName = 'early-warning' | 'mediation' | 'electoral-support' | 'partnerships' | 'ops-centre';

export const SERVICES: readonly ServiceSpec[] = [
  { name: 'early-warning', schema: 'early_warning', defaultPort: 3001 },
  { name: 'mediation', schema: 'mediation', defaultPort: 3002 },
  { name: 'electoral-support', schema: 'electoral_support', defaultPort: 3003 },
  { name: 'partnerships', schema: 'partnerships', defaultPort: 3004 },
  { name: 'ops-centre', schema: 'ops_centre', defaultPort: 8080 },
];

export const serviceSpec = (name: ServiceName): ServiceSpec => {
  const spec = SERVICES.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown service ${name}`);
  return spec;
};

export const migratorRoleOf = (schema: string): string => `${schema}_migrator`;
export const appRoleOf = (schema: string): string => `${schema}_app`;
