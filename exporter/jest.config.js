/** @type {import('jest').Config} */
module.exports = {
  displayName: 'exporter',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: require('../jest.swc.js').transform,
  // ESM-only packages: fastify's inject() pulls in cookie@2; p-limit and p-retry and their dependencies
  transformIgnorePatterns: require('../jest.swc.js').ignorePatterns,
  testTimeout: 30000,
};
