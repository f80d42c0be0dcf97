export * from './constants.js';
export * from './types.js';
export * from './errors.js';
export * from './encode.js';
export * from './alloc.js';
export * from './decode.js';
export * from './describe.js';
