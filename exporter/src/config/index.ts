export * from './schema';
export * from './defaults';
export * from './load';
export { envBindings, envNameFor } from './env';
