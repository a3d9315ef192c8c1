// Three projects: unit (pure core), integration (real Orthanc over DICOMweb), e2e (real OHIF in headless Chromium).
const transform = { '^.+\\.(t|j)sx?$': ['<rootDir>/test/support/jestTransform.cjs', { jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true } } }] };
const common = { transform, testEnvironment: 'node', moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'] };
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
