/** Real-browser tests: node environment, Chromium driven by playwright-core. */
module.exports = {
  displayName: 'grafana-plugin-browser',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.browser.test.ts'],
  transform: require('../../jest.swc.js').transform,
  testTimeout: 240000,
};
