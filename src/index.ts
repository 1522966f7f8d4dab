// The action's entry point, bundled to dist/index.js.
import { run } from './main.js';

// Exit as soon as the work is done: an idle keep-alive socket or a stray timer must never hold the step open.
void run().finally(() => process.exit());
