/** jest 30 + ts-jest ESM; see README "Development". */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
  testTimeout: 120000,
  // Live tests mostly wait on QEMU processes: use both cores even on a 2-core machine.
  maxWorkers: 2,
};
