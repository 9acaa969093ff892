export * from './domain-error';
export * from './clock';
export * from './uuid-v7';
export * from './calendar';
export * from './visible-text';
export * from './utf8-text';
