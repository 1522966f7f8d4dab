// A world for mention scenarios: the node-test project, a local GitHub where alice may write and others only read,
// and the README's mention workflow run through dist/ for one event.
import type { ActionResult } from '../support/action.js';
import type { CloneWorkspaceOptions } from '../support/git.js';
import type { GitHubStateInit } from '../support/github-server.js';
import type { ModelStep } from '../support/openai-server.js';
import { readMentionWorkflow, type MentionWorkflow } from './mention-workflow.js';
import { makeWorld, type World } from './world.js';

export const workflow: MentionWorkflow = await readMentionWorkflow();

export interface MentionWorldOptions {
  /** Files over the fixture on main (e.g. the fixed range.js for a green main). */
  files?: Record<string, string>;
  github?: GitHubStateInit;
  checkout?: CloneWorkspaceOptions;
  script: ModelStep[];
}

export function mentionWorld(o: MentionWorldOptions): Promise<World> {
  return makeWorld({
    project: 'node-test',
    remote: o.files ? { files: o.files } : {},
    github: { defaultPermission: 'read', ...o.github, permissions: { alice: 'write', ...o.github?.permissions } },
    script: o.script,
    ...(o.checkout ? { checkout: o.checkout } : {}),
  });
}

/** Runs the README's workflow for the event, as the runner would start it for `actor`. */
export function runWorkflow(w: World, eventName: string, event: object, actor: string, inputs: Record<string, string> = {}): Promise<ActionResult> {
  return w.run({ eventName, event, actor, inputs: { ...workflow.inputs, ...inputs } });
}

/** The comments the token's user posted, in issue conversations and review threads. */
export function ownComments(w: World): { id: number; body: string; where: string }[] {
  const me = w.gh.state.tokenUser;
  return [
    ...w.gh.state.comments.filter((c) => c.user === me).map((c) => ({ id: c.id, body: c.body, where: `#${c.issue}` })),
    ...w.gh.state.reviewComments.filter((c) => c.user === me).map((c) => ({ id: c.id, body: c.body, where: `review ${c.inReplyTo ?? ''}` })),
  ];
}
