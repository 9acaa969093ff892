const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { basename, join } = require('path');

/**
 * The one webpack build of every service: main.ts → dist/services/<name>/main.js, and beside it
 * relay-thread.js, the entry of the outbox relay's worker thread (libs/service-kit).
 * node_modules stay external: bundling them would break OpenTelemetry's require-time patching.
 */
module.exports = function serviceWebpackConfig(serviceDir) {
  return {
    output: { path: join(__dirname, '../dist/services', basename(serviceDir)), clean: true },
    devtool: 'source-map',
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: './src/main.ts',
        additionalEntryPoints: [{ entryName: 'relay-thread', entryPath: join(__dirname, '../libs/service-kit/src/relay-thread.entry.ts') }],
        tsConfig: './tsconfig.app.json',
        outputHashing: 'none',
        generatePackageJson: false,
        externalDependencies: 'all',
        sourceMap: true,
        optimization: false,
      }),
    ],
  };
};
