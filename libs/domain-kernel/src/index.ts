export * from './domain-error';
export * from './clock';
export * from './uuid-v7';
