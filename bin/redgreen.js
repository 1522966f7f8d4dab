#!/usr/bin/env node
// The `redgreen` command: runs the bundled CLI.
import '../dist/cli/index.js';
