// Shared jest transform for the TypeScript workspaces: swc strips types (tsc checks them separately).
const transform = {
  '^.+\\.(t|j|mj)sx?$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};

// ESM-only dependencies the CommonJS test run must transform (Node itself loads them through require(esm)).
const ESM_PACKAGES = ['cookie', 'p-limit', 'yocto-queue', 'p-retry', 'is-network-error'];
const ignorePatterns = [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`];

module.exports = { transform, ignorePatterns };
