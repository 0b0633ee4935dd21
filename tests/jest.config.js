/** @type {import('jest').Config} */
module.exports = {
  displayName: 'tests',
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  transform: require('../jest.swc.js'),
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  testTimeout: 120000,
};
