/** The built plugin as Grafana will load it: run after `npm run build` (the test script does both). */
import fs from 'fs';
import path from 'path';

const DIST = path.resolve(__dirname, '..', 'dist');
const readDist = (file: string) => fs.readFileSync(path.join(DIST, file), 'utf8');

describe('dist/', () => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(DIST, 'plugin.json'))) {
      throw new Error(`no build in ${DIST}: run "npm run build -w grafana-plugin" first`);
    }
  });

  it('plugin.json has what Grafana requires, with the id the provisioning allows unsigned', () => {
    const json = JSON.parse(readDist('plugin.json'));
    expect(json.id).toBe('adacarbon-siteanalysis-panel');
    expect(json.id).toMatch(/^[0-9a-z]+-([0-9a-z]+-)?panel$/);
    expect(json.type).toBe('panel');
    expect(typeof json.name).toBe('string');
    expect(json.name.length).toBeGreaterThan(0);
    expect(json.info.keywords.length).toBeGreaterThan(0);
    expect(json.info.version).toMatch(/^\d+\.\d+\.\d+/); // %VERSION% replaced at build
    expect(json.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(json.dependencies.grafanaDependency).toMatch(/^>=\d+\.\d+\.\d+ <\d+\.\d+\.\d+$/);
    for (const logo of [json.info.logos.small, json.info.logos.large]) {
      expect(fs.existsSync(path.join(DIST, logo))).toBe(true);
    }
  });

  it('module.js is an AMD module that leaves React and the Grafana packages to the host', () => {
    const js = readDist('module.js');
    expect(js.replace(/^(\/\*.*?\*\/\s*)+/s, '').startsWith('define([')).toBe(true);
    for (const dep of ['react', '@grafana/data', '@grafana/ui', '@grafana/runtime']) {
      expect(js).toContain(`"${dep}"`);
    }
    // bundling a second React or @grafana/ui would break hooks and theming inside Grafana
    expect(js.length).toBeLessThan(200_000);
  });
});
