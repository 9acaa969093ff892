export * from './data-source';
export * from './run-migrations';
