/** @type {import('jest').Config} */
module.exports = {
  displayName: 'exporter',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: require('../jest.swc.js'),
  // ESM-only packages: fastify's inject() pulls in cookie@2; p-limit and p-retry and their dependencies
  transformIgnorePatterns: ['/node_modules/(?!(cookie|p-limit|yocto-queue|p-retry|is-network-error)/)'],
  testTimeout: 30000,
};
