// force timezone to UTC to allow tests to work regardless of local timezone
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const [swcPattern, swcTransform] = Object.entries(base.transform)[0];

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...base,
  displayName: 'grafana-plugin',
  // d3-color and friends ship .mjs only; the scaffold's pattern misses that extension.
  transform: { [swcPattern.replace('(t|j)sx?', '(t|j|mj)sx?')]: swcTransform },
};
