/** @type {import('jest').Config} */
module.exports = {
  displayName: 'tests',
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  transform: require('../jest.swc.js').transform,
  transformIgnorePatterns: require('../jest.swc.js').ignorePatterns,
  testTimeout: 120000,
};
