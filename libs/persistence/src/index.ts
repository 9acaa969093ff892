export * from './data-source';
export * from './run-migrations';
export * from './connection-check';
export * from './array-literal';
export * from './storable-text';
