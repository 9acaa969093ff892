export * from './domain-error';
export * from './clock';
export * from './uuid-v7';
export * from './calendar';
