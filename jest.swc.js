// Shared jest transform for the TypeScript workspaces: swc strips types (tsc checks them separately).
module.exports = {
  '^.+\\.(t|j|mj)sx?$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};
