// Lets a child `node` process run the TypeScript sources directly (node -r ./__tests__/support/swc-register.js
// main.ts), so CLI tests need no `npm run build` first. Types are not checked here; `npm run typecheck` does that.
const fs = require('fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
