'use strict';
// Loads the compiled addon (a prebuild if one matches, else build/Release).
module.exports = require('node-gyp-build')(__dirname);
