// `npm run bench` entry: runs bench/main.ts with the same loader as the tests (tsx).
'use strict';
require('tsx/cjs');
require('./main.ts');
