#!/usr/bin/env node
// The `redgreen` command: checks the Node.js version that package.json's `engines` names, then runs the bundled CLI.
// Plain JavaScript that any Node.js parses, so an old one gets a sentence instead of a stack trace.
const major = Number(process.versions.node.split('.')[0]);
// The bundled OpenAI SDK needs Node.js 22 or newer (its own `engines`), and Node.js 20 is past its end of life.
const MIN_MAJOR = 22;
if (major < MIN_MAJOR) {
  process.stderr.write(`redgreen needs Node.js ${MIN_MAJOR} or newer; this is Node.js ${process.versions.node}.\n`);
  process.exit(1);
}
await import('../dist/cli/index.js');
