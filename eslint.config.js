// Layers import only downward (STYLE.md): contracts < pure logic < engine < edges < stages < apps.
const tseslint = require('typescript-eslint');

const LAYERS = [
  ['contracts'],
  ['packet', 'flow', 'rules', 'features', 'fusion'],
  ['topology', 'serdes', 'detection'],
  ['config', 'observability'],
  ['pcap', 'kafka', 'clickhouse', 'inference'],
  ['stages'],
  ['stage-host'],
];


const layerRules = LAYERS.flatMap((libs, level) => libs.map((lib) => {
  const forbidden = LAYERS.slice(level).flat().filter((other) => other !== lib);
  // Libraries of one layer do not import each other either: that keeps the graph acyclic.
  return {
    files: [`libs/${lib}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...(forbidden.length > 0 ? [{ group: forbidden.map((o) => `@ids/${o}`), message: `libs/${lib} (layer ${level + 1}) may import only lower layers.` }] : []),
          ...(level <= 2 ? [{ group: ['kafkajs', '@nestjs/*', '@clickhouse/*', 'cap', 'onnxruntime-node'], message: 'pure logic imports no transport, framework or driver.' }] : []),
          { group: ['../../*/src', '../../../libs/*'], message: 'import other libs through @ids/<lib>.' },
        ],
      }],
    },
  };
}));

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.local/**', 'coverage/**', '**/*.js', '!eslint.config.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...layerRules,
  { files: ['eslint.config.js', 'jest.config.js', 'test/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);

