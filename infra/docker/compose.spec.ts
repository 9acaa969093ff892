import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_PARTITIONS, SERVICES, appRoleOf, migratorRoleOf } from '@crisis-ops/contracts';
import { LOCAL_DEV_SECRET } from '@crisis-ops/auth';

/**
 * docker-compose.yml is only ever run by people who have Docker, so nothing else would notice it
 * drifting from the service catalog or from the local path's variable names and ports. These
 * checks read the file as compose would (anchors and merge keys resolved) and hold it to both.
 */

interface ComposeHealthcheck {
  test?: string | string[];
  disable?: boolean;
}
interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: ComposeHealthcheck;
  mem_limit?: string | number;
  deploy?: { resources?: { limits?: { memory?: string } } };
  ports?: (string | { target: number; published: string | number })[];
  volumes?: (string | { source?: string; target?: string })[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

const repoRoot = path.resolve(__dirname, '../..');
const composeText = readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8');

/**
 * The node flags `npm start` gives every service (scripts/services.sh), without --enable-source-maps
 * (images run without source maps); the Dockerfiles and the test harness must give the same, so a
 * service measured in bench/ or tested runs as it is deployed.
 */
const NPM_START_NODE_FLAGS = (() => {
  const line = readFileSync(path.join(repoRoot, 'scripts/services.sh'), 'utf8').match(/setsid nohup node (.*) "\$SERVICE_DIST\/services\/\$name\/main\.js"/)?.[1] ?? '';
  return line.split(/\s+/).filter((flag) => flag.startsWith('--') && flag !== '--enable-source-maps');
})();

describe('node flags', () => {
  it('npm start gives services GC flags, and the test harness gives the same', () => {
    expect(NPM_START_NODE_FLAGS).toContain('--single-threaded-gc');
    const harness = readFileSync(path.join(repoRoot, 'libs/testing/src/service-process.ts'), 'utf8').match(/spawn\(process\.execPath, \[(.*?)\.\.\.\(options\.nodeArgs/)?.[1] ?? '';
    const flags = [...harness.matchAll(/'(--[^']+)'/g)].map((m) => m[1]).filter((flag) => flag !== '--enable-source-maps');
    expect(flags).toEqual(NPM_START_NODE_FLAGS);
  });
});
// `merge: true`: compose honours YAML merge keys (`<<: *anchor`); without it they stay literal keys.
const compose = parse(composeText, { merge: true }) as ComposeFile;

/** Containers with no Docker healthcheck, and why that is acceptable. */
const NO_HEALTHCHECK: Record<string, string> = {
  'platform-init': 'one-shot: dependants wait for service_completed_successfully instead',
  'otel-collector': 'FROM scratch image: no shell or HTTP client to run a probe with; telemetry is best effort',
};

const REQUIRED_SERVICE_ENV = [
  'PORT',
  'KAFKA_BROKERS',
  'DATABASE_HOST',
  'DATABASE_PORT',
  'DATABASE_NAME',
  'DATABASE_USER',
  'DATABASE_PASSWORD',
  'DATABASE_MIGRATOR_USER',
  'DATABASE_MIGRATOR_PASSWORD',
  'AUTH_ISSUER',
  'AUTH_AUDIENCE',
  'AUTH_DEV_SECRET',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_SERVICE_NAME',
  'LOG_LEVEL',
] as const;

const service = (name: string): ComposeService => {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};

const envOf = (s: ComposeService): Record<string, string> => {
  const env = s.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((kv) => [kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
};

const dependsOn = (s: ComposeService): Record<string, string | undefined> => {
  const deps = s.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, v?.condition]));
};

/** Published host port -> container port, from short ("127.0.0.1:3001:3001") or long syntax. */
const portsOf = (s: ComposeService): { host: number; container: number }[] =>
  (s.ports ?? []).map((p) => {
    if (typeof p === 'string') {
      const parts = p.split('/')[0].split(':');
      return { host: Number(parts[parts.length - 2]), container: Number(parts[parts.length - 1]) };
    }
    return { host: Number(p.published), container: p.target };
  });

const memoryLimitOf = (s: ComposeService): string | number | undefined => s.mem_limit ?? s.deploy?.resources?.limits?.memory;

/** The one Dockerfile every service image is built from (docker-compose.yml passes SERVICE and PORT). */
const SERVICE_DOCKERFILE = 'infra/docker/service.Dockerfile';

describe(SERVICE_DOCKERFILE, () => {
  const text = readFileSync(path.join(repoRoot, SERVICE_DOCKERFILE), 'utf8');
  /** Each stage's lines, by its `AS` name: an ARG is seen only in the stage that declares it. */
  const stages = new Map(text.split(/^FROM /m).slice(1).map((stage) => [stage.match(/ AS (\S+)/)?.[1] ?? '', stage]));

  it('builds the service named by SERVICE, and refuses to build without it', () => {
    expect(stages.get('build')).toMatch(/^ARG SERVICE$/m);
    expect(stages.get('build')).toContain('test -n "$SERVICE"');
    expect(stages.get('build')).toContain('nx run "$SERVICE:build"');
    expect(stages.get('deps')).toContain('npm ci --omit=dev');
  });

  it('runs that service\'s bundle with npm start\'s node flags, as node PID 1, as the node user', () => {
    const runtime = stages.get('runtime') ?? '';
    expect(runtime).toMatch(/^ARG SERVICE$/m);
    expect(runtime).toMatch(/^ARG PORT$/m);
    expect(runtime).toContain('COPY --from=build /app/dist/services/$SERVICE ./dist/services/$SERVICE');
    // exec: the shell gives way to node, which then receives `docker stop`'s SIGTERM and drains.
    const cmd = runtime.match(/^CMD exec node (.*) "dist\/services\/\$SERVICE\/main\.js"$/m);
    expect(cmd).not.toBeNull();
    expect(cmd?.[1].split(/\s+/)).toEqual(NPM_START_NODE_FLAGS);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*/m);
  });

  it('makes DATA_DIR, when given, the node user\'s before it switches to that user', () => {
    const runtime = stages.get('runtime') ?? '';
    const made = runtime.indexOf('mkdir -p "$DATA_DIR" && chown -R node:node "$DATA_DIR"');
    expect(made).toBeGreaterThan(-1);
    expect(made).toBeLessThan(runtime.indexOf('USER node'));
  });

  it('is the only service Dockerfile: no service folder keeps one of its own', () => {
    for (const spec of SERVICES) expect(existsSync(path.join(repoRoot, `services/${spec.name}/Dockerfile`)), spec.name).toBe(false);
  });
});

describe('docker-compose.yml', () => {
  it('parses, with anchors and merge keys resolved', () => {
    expect(compose.services).toBeTypeOf('object');
    for (const [name, s] of Object.entries(compose.services)) {
      expect(Object.keys(s), `${name} has an unresolved merge key`).not.toContain('<<');
      expect(Object.keys(envOf(s)), `${name} environment has an unresolved merge key`).not.toContain('<<');
    }
  });

  it('declares kafka, postgres, otel-collector, jaeger, platform-init and every catalog service', () => {
    const expected = ['kafka', 'postgres', 'otel-collector', 'jaeger', 'platform-init', ...SERVICES.map((s) => s.name)];
    expect(Object.keys(compose.services).sort()).toEqual([...expected].sort());
  });

  describe.each(SERVICES.map((spec) => [spec.name, spec] as const))('service %s', (name, spec) => {
    const s = service(name);
    const env = envOf(s);

    it('is built from the shared service Dockerfile, with the repo root as context and its own name and port', () => {
      expect(s.build?.context).toBe('.');
      expect(s.build?.dockerfile).toBe(SERVICE_DOCKERFILE);
      expect(s.build?.args?.SERVICE).toBe(name);
      expect(s.build?.args?.PORT).toBe(String(spec.defaultPort));
    });

    it('has every required environment variable', () => {
      for (const key of REQUIRED_SERVICE_ENV) expect(env, `${name} lacks ${key}`).toHaveProperty(key);
    });

    it('points at the compose infra, its own roles and its own name', () => {
      expect(env).toMatchObject({
        PORT: String(spec.defaultPort),
        KAFKA_BROKERS: 'kafka:9092',
        DATABASE_HOST: 'postgres',
        DATABASE_PORT: '5432',
        DATABASE_NAME: 'crisis_ops',
        DATABASE_USER: appRoleOf(spec.schema),
        DATABASE_PASSWORD: appRoleOf(spec.schema),
        DATABASE_MIGRATOR_USER: migratorRoleOf(spec.schema),
        DATABASE_MIGRATOR_PASSWORD: migratorRoleOf(spec.schema),
        AUTH_ISSUER: 'crisis-ops-dev',
        AUTH_AUDIENCE: 'crisis-ops',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
        OTEL_SERVICE_NAME: name,
        LOG_LEVEL: 'info',
      });
      expect(env.AUTH_DEV_SECRET.length).toBeGreaterThan(0);
    });

    it('starts only after provisioning succeeded and the infra is healthy', () => {
      expect(dependsOn(s)).toMatchObject({
        'platform-init': 'service_completed_successfully',
        kafka: 'service_healthy',
        postgres: 'service_healthy',
        'otel-collector': 'service_started',
      });
    });

    it('probes readiness and has a memory limit (1g where intake bursts land, 384m elsewhere)', () => {
      expect(JSON.stringify(s.healthcheck?.test)).toContain('/health/ready');
      expect(memoryLimitOf(s)).toBe(name === 'early-warning' ? '1g' : '384m');
    });

    it('publishes its catalog port on the same host port as the local path', () => {
      expect(portsOf(s)).toEqual([{ host: spec.defaultPort, container: spec.defaultPort }]);
    });
  });

  it('shares one AUTH_DEV_SECRET between all services, by default the one npm run token signs with', () => {
    const secrets = new Set(SERVICES.map((spec) => envOf(service(spec.name)).AUTH_DEV_SECRET));
    expect(secrets.size).toBe(1);
    // The README's token commands then work against this stack as against npm start.
    expect([...secrets][0]).toBe(`\${AUTH_DEV_SECRET:-${LOCAL_DEV_SECRET}}`);
    // Its images run with NODE_ENV=production, where that published secret needs the local stack's word.
    for (const spec of SERVICES) expect(envOf(service(spec.name)).AUTH_ALLOW_PUBLIC_DEV_SECRET, spec.name).toBe('true');
  });

  it('gives the broker room beside its heap: the JVM and the healthcheck\'s own JVM need more than -Xmx', () => {
    const kafka = service('kafka');
    const mib = (match: RegExpExecArray | null): number => (match ? Number(match[1]) * (match[2] === 'g' ? 1024 : 1) : NaN);
    const heap = mib(/-Xmx(\d+)([gm])/.exec(String(envOf(kafka).KAFKA_HEAP_OPTS)));
    const limit = mib(/^(\d+)([gm])$/.exec(String(memoryLimitOf(kafka))));
    expect(limit - heap).toBeGreaterThanOrEqual(512);
  });

  it('gives every container a memory limit and a healthcheck, exemptions aside', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      expect(memoryLimitOf(s), `${name} has no memory limit`).toBeDefined();
      if (name in NO_HEALTHCHECK) continue;
      expect(s.healthcheck?.test, `${name} has no healthcheck`).toBeDefined();
      expect(s.healthcheck?.disable).not.toBe(true);
    }
  });

  it('keeps early-warning’s import uploads on a volume, in the folder its image made its own and points the service at, so a restart does not lose them', () => {
    const ew = service('early-warning');
    const dir = ew.build?.args?.DATA_DIR;
    expect(dir).toBeDefined();
    expect(envOf(ew).EARLY_WARNING_UPLOAD_DIR).toBe(dir);
    expect(ew.volumes).toContainEqual(expect.objectContaining({ source: 'early-warning-uploads', target: dir }));
  });

  it('runs Kafka 4.1.1 (apache/kafka) as one KRaft node with auto-create off', () => {
    const kafka = service('kafka');
    const env = envOf(kafka);
    expect(kafka.image).toBe('apache/kafka:4.1.1');
    expect(env).toMatchObject({
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_NUM_PARTITIONS: String(DEFAULT_PARTITIONS),
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    });
    expect(env.KAFKA_LISTENERS).toContain('PLAINTEXT://:9092');
    expect(env.KAFKA_LISTENERS).toContain('CONTROLLER://:9093');
    expect(env.KAFKA_ADVERTISED_LISTENERS).toContain('PLAINTEXT://kafka:9092');
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@kafka:9093');
    expect(JSON.stringify(kafka.healthcheck?.test)).toMatch(/kafka-(broker-api-versions|topics)\.sh/);
    // Host tools reach it on the local path's port.
    expect(portsOf(kafka).map((p) => p.host)).toEqual([9092]);
  });

  it('runs Postgres 15 with the provisioning superuser on host port 55432', () => {
    const pg = service('postgres');
    expect(pg.image).toMatch(/^postgres:15(\b|$)/);
    expect(envOf(pg)).toMatchObject({
      POSTGRES_USER: 'crisis_ops_admin',
      POSTGRES_PASSWORD: 'crisis_ops_admin',
      POSTGRES_DB: 'crisis_ops',
    });
    expect(JSON.stringify(pg.healthcheck?.test)).toContain('pg_isready');
    expect(portsOf(pg)).toEqual([{ host: 55432, container: 5432 }]);
    expect(pg.volumes?.length).toBeGreaterThan(0);
  });

  it('provisions with the shared script once Kafka and Postgres are healthy', () => {
    const init = service('platform-init');
    expect(init.build?.dockerfile).toBe('infra/docker/Dockerfile.init');
    const dockerfile = readFileSync(path.join(repoRoot, 'infra/docker/Dockerfile.init'), 'utf8');
    expect(dockerfile).toContain('infra/provision/provision.ts');
    expect(envOf(init)).toMatchObject({
      KAFKA_BROKERS: 'kafka:9092',
      DATABASE_HOST: 'postgres',
      DATABASE_PORT: '5432',
      DATABASE_NAME: 'crisis_ops',
      DATABASE_ADMIN_USER: 'crisis_ops_admin',
      DATABASE_ADMIN_PASSWORD: 'crisis_ops_admin',
    });
    expect(dependsOn(init)).toMatchObject({ kafka: 'service_healthy', postgres: 'service_healthy' });
  });

  it('sends traces through the collector to Jaeger over OTLP', () => {
    const collector = service('otel-collector');
    expect(collector.volumes?.some((v) => typeof v === 'string' && v.startsWith('./infra/docker/otel-collector.yaml:'))).toBe(true);
    const config = parse(readFileSync(path.join(repoRoot, 'infra/docker/otel-collector.yaml'), 'utf8'));
    expect(config.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    expect(config.exporters['otlp/jaeger'].endpoint).toBe('jaeger:4317');
    expect(config.service.pipelines.traces.exporters).toContain('otlp/jaeger');
    expect(portsOf(service('jaeger')).map((p) => p.host)).toContain(16686);
  });
});

describe('.dockerignore', () => {
  it('keeps host artefacts and history out of the build context', () => {
    const lines = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', '.run', '.infra-cache', '.nx', 'tmp', '.git']) {
      expect(lines, `.dockerignore lacks ${entry}`).toContain(entry);
    }
  });
});
