export * from './test-infra';
export * from './service-process';
export * from './read-positions';
export * from './country-codes';
export * from './broker-proxy';
export * from './migration-scratch';
export * from './metric-value';
