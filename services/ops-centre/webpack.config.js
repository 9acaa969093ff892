const base = require('../../tools/service-webpack.config.js')(__dirname);

// The web console is built first (target build-web) into web/ of the same folder: keep it.
module.exports = { ...base, output: { ...base.output, clean: { keep: /^web[\\/]/ } } };
