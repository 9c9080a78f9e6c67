export * from './container-script.js';
export type { FakeExecHandler, FakeExecIO } from './fake-exec.js';
export * from './fake-runtime.js';
export * from './ip-allocator.js';
export * from './shell-command.js';
