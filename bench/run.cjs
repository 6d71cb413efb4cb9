// `npm run bench` entry: runs bench/main.ts with the same loaders as the tests (tsx, and .hbs templates as text).
'use strict';
require('tsx/cjs');
require('../test/support/register-hbs.cjs');
require('./main.ts');
