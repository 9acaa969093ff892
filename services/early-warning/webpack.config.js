module.exports = require('../../tools/service-webpack.config.js')(__dirname);
