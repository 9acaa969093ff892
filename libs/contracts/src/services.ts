/**
 * The platform's services: their names (also their Kafka consumer group ids and CloudEvents
 * source), Postgres schemas and default HTTP ports. Provisioning creates one schema and two roles
 * per entry: `<schema>_migrator` owns the schema, `<schema>_app` may only use it.
 */
export interface ServiceSpec {
  readonly name: ServiceName;
  readonly schema: string;
  readonly defaultPort: number;
  /**
   * Whether the service consumes events, joining the consumer group named after it. One that does
   * not has no consumer (it may publish, or, as electoral-support and partnerships so far, do neither):
   * the system view shows its group's absence as by design, not as a dead consumer.
   */
  readonly consumesEvents: boolean;
}

export type ServiceName = 'early-warning' | 'mediation' | 'electoral-support' | 'partnerships' | 'ops-centre';

export const SERVICES: readonly ServiceSpec[] = [
  { name: 'early-warning', schema: 'early_warning', defaultPort: 3001, consumesEvents: true },
  { name: 'mediation', schema: 'mediation', defaultPort: 3002, consumesEvents: true },
  { name: 'electoral-support', schema: 'electoral_support', defaultPort: 3003, consumesEvents: false },
  { name: 'partnerships', schema: 'partnerships', defaultPort: 3004, consumesEvents: false },
  { name: 'ops-centre', schema: 'ops_centre', defaultPort: 8080, consumesEvents: true },
];

export const serviceSpec = (name: ServiceName): ServiceSpec => {
  const spec = SERVICES.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown service ${name}`);
  return spec;
};

export const migratorRoleOf = (schema: string): string => `${schema}_migrator`;
export const appRoleOf = (schema: string): string => `${schema}_app`;
