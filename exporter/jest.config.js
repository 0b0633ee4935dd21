/** @type {import('jest').Config} */
module.exports = {
  displayName: 'exporter',
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: require('../jest.swc.js'),
  // fastify's inject() pulls in the ESM-only cookie@2
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  testTimeout: 30000,
};
