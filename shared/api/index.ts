export * from './payloads.js';
export * from './topics.js';
export * from './enrollment-key.js';
export * from './sealed-secret.js';
