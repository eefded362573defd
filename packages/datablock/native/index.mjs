import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const binding = require('./index.cjs');

export default binding;
