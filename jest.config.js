// Three kinds of tests (see README.md "Tests"):
//   unit: *.spec.ts beside the code, pure logic, no I/O;
//   int:  *.int-spec.ts, one real part of the stack (Kafka, Postgres, Jaeger, a loopback web site);
//   e2e:  test/e2e/*.e2e-spec.ts, the four services as real processes on the real stack.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@trawl/(config|contracts|messaging|persistence|projection|telemetry|service)$': '<rootDir>/libs/$1/src',
    '^@trawl/contracts/text$': '<rootDir>/libs/contracts/src/text/well-formed-text',
  },
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'],
      slowTestThreshold: 30,
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'], slowTestThreshold: 120 },
  ],
};
