// Types of index.mjs (the ESM entry): the named exports of index.d.ts, plus the default export,
// which is the whole binding (`import native, { Mapping } from '@plh/datablock-native'`).
import * as binding from './index.js';
export * from './index.js';
export default binding;
