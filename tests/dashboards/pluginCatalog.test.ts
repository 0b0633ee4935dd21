/** The panel plugin's catalog metadata: what Grafana's plugin catalog shows besides the panel itself. */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './support/artifacts';

const SRC = path.join(ROOT, 'grafana-plugin/src');
interface CatalogInfo {
  info: {
    keywords: string[];
    links: Array<{ name: string; url: string }>;
    screenshots: Array<{ name: string; path: string }>;
  };
  dependencies: { grafanaDependency: string };
}
const plugin = JSON.parse(fs.readFileSync(path.join(SRC, 'plugin.json'), 'utf8')) as CatalogInfo;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('plugin.json catalog metadata', () => {
  it('lists screenshots that exist under src/ and are PNG files', () => {
    expect(plugin.info.screenshots.length).toBeGreaterThan(0);
    for (const s of plugin.info.screenshots) {
      expect(s.name.length).toBeGreaterThan(0);
      const file = path.join(SRC, s.path);
      const head = fs.existsSync(file) ? fs.readFileSync(file).subarray(0, 8) : Buffer.alloc(0);
      expect([s.path, head.equals(PNG_SIGNATURE)]).toEqual([s.path, true]);
    }
  });

  it('has named https links and keywords', () => {
    expect(plugin.info.links.length).toBeGreaterThan(0);
    for (const l of plugin.info.links) expect([l.name.length > 0, new URL(l.url).protocol]).toEqual([true, 'https:']);
    expect(plugin.info.keywords.length).toBeGreaterThan(0);
  });

  it('claims only the Grafana major it is built and tested against', () => {
    expect(plugin.dependencies.grafanaDependency).toBe('>=12.3.0 <13.0.0');
  });

  it('ships a CHANGELOG with an entry for the current version', () => {
    const version = (
      JSON.parse(fs.readFileSync(path.join(ROOT, 'grafana-plugin/package.json'), 'utf8')) as { version: string }
    ).version;
    const changelog = fs.readFileSync(path.join(ROOT, 'grafana-plugin/CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(new RegExp(`^## ${version.replace(/\./g, '\\.')}$`, 'm'));
  });
});
