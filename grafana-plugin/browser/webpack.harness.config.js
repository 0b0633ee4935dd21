// Bundles the harness page with real React, @grafana/ui and @grafana/data (no externals, unlike the plugin build).
const path = require('path');

module.exports = (env = {}) => ({
  mode: env.development ? 'development' : 'production',
  context: __dirname,
  entry: { harness: './harness/index.tsx' },
  output: { path: path.resolve(__dirname, '..', '.harness-dist'), filename: '[name].js', clean: true },
  devtool: false,
  optimization: env.profile ? { minimize: false } : undefined,
  // Rebuilding @grafana/ui from scratch takes ~45 s; the cache brings reruns down to a few seconds.
  cache: { type: 'filesystem', buildDependencies: { config: [__filename] } },
  resolve: { extensions: ['.tsx', '.ts', '.mjs', '.js', '.json'] },
  performance: { hints: false },
  module: {
    rules: [
      {
        test: /\.[tj]sx?$/,
        exclude: /node_modules/,
        use: {
          loader: 'swc-loader',
          options: {
            jsc: {
              target: 'es2020',
              parser: { syntax: 'typescript', tsx: true },
              transform: { react: { runtime: 'automatic' } },
            },
          },
        },
      },
      { test: /\.prom$/, type: 'asset/source' },
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.(woff2?|ttf|eot|svg|png)$/, type: 'asset/resource' },
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
    ],
  },
  plugins: [new (require('copy-webpack-plugin'))({ patterns: [{ from: 'harness/index.html', to: 'index.html' }] })],
});
