export * from './records';
export * from './resolve';
export * from './settings';
export * from './load';
export * from './refresher';
