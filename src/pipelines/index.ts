// Which pipeline runs each mode: main.ts looks the mode up here and runs what it finds.
import type { ResolvedMode } from '../constants.js';
import { agentPipeline } from './agent.js';
import { askPipeline } from './ask.js';
import { pickPipeline } from './pick.js';
import { planPipeline } from './plan.js';
import type { Pipeline } from './types.js';

export const pipelines: Record<ResolvedMode, Pipeline> = {
  fix: agentPipeline,
  task: agentPipeline,
  coverage: agentPipeline,
  ask: askPipeline,
  plan: planPipeline,
  pick: pickPipeline,
};
