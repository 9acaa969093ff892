const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

// node_modules stay external: bundling them would break OpenTelemetry's require-time patching.
module.exports = {
  output: { path: join(__dirname, '../../dist/services/partnerships'), clean: true },
  devtool: 'source-map',
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      outputHashing: 'none',
      generatePackageJson: false,
      externalDependencies: 'all',
      sourceMap: true,
      optimization: false,
    }),
  ],
};
