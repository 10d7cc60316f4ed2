// Default time limit of a test, per project (jest's testTimeout is global only). Integration
// tests start processes (the CLI, stage apps) that take seconds each on a loaded 2-core machine;
// a test that needs longer still says so itself.
const integration = expect.getState().testPath?.endsWith('.int-spec.ts');
jest.setTimeout(integration ? 90_000 : 20_000);
