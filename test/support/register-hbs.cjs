// Loads *.hbs files as text under mocha, as esbuild's text loader does in the bundles.
// handlebars registers its own .hbs loader (which compiles) when first required, so require it before overriding.
const fs = require('node:fs');
require('handlebars');
require.extensions['.hbs'] = (module, filename) => {
  module.exports = { __esModule: true, default: fs.readFileSync(filename, 'utf8') };
};
