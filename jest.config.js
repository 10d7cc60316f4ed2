// One runner, two projects: `unit` needs nothing running; `integration` talks to the real
// Kafka, schema registry and ClickHouse started by `infra/local` (see Makefile `test`).
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
}];
const common = {
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@ids/([^/]+)$': '<rootDir>/libs/$1/src' },
  testEnvironment: 'node',
};
module.exports = {
  // Tests run in a child process, never in jest's own: onnxruntime-node can abort a process while
  // a thread holding it is torn down (`terminate called after throwing an instance of
  // 'Napi::Error'`), which in band ended the whole run with no summary; in a child it fails one
  // file. The worker pool's fault scenarios run in processes of their own
  // (libs/inference/src/worker-pool.faults.int-spec.ts). The child is also replaced once it holds
  // more than this after a file.
  workerIdleMemoryLimit: '1GB',
  reporters: ['default', '<rootDir>/test/summary.reporter.js'],
  projects: [
    // Time limits that fit a loaded 2-core machine (test/time-limits.setup.js).
    { ...common, displayName: 'unit', setupFilesAfterEnv: ['<rootDir>/test/time-limits.setup.js'], testMatch: ['<rootDir>/{apps,libs,test,tools,models}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', setupFilesAfterEnv: ['<rootDir>/test/time-limits.setup.js'], testMatch: ['<rootDir>/{apps,libs,test,tools,models}/**/*.int-spec.ts'] },
  ],
};
