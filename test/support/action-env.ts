// What the Actions runner hands a JavaScript action: INPUT_* from action.yml defaults, the runtime token, and how it reads back outputs and commands.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';

const actionSchema = z.object({
  inputs: z
    .record(
      z.string(),
      z
        .object({
          description: z.string().optional(),
          required: z.boolean().optional(),
          default: z.union([z.string(), z.number(), z.boolean()]).optional(),
        })
        .nullable(),
    )
    .optional(),
});

export interface ActionInput {
  default?: string;
  required: boolean;
}

/** The inputs declared in an action.yml, with their defaults as the runner sees them (strings). */
export async function readActionInputs(actionYml: string): Promise<Record<string, ActionInput>> {
  const parsed = actionSchema.parse(parseYaml(await readFile(actionYml, 'utf8')));
  const inputs: Record<string, ActionInput> = {};
  for (const [name, spec] of Object.entries(parsed.inputs ?? {})) {
    inputs[name] = {
      required: spec?.required ?? false,
      ...(spec?.default === undefined ? {} : { default: String(spec.default) }),
    };
  }
  return inputs;
}

/** The variable the runner sets for an input: upper-cased, spaces to underscores, dashes kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Evaluates the `${{ ... }}` expressions a default may hold; an unknown one is an error in the test, not an empty string. */
export function evaluateExpressions(value: string, context: Record<string, string>): string {
  return value.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_whole, expression: string) => {
    const resolved = context[expression];
    if (resolved === undefined) {
      throw new Error(`action.yml default uses \${{ ${expression} }}, which the test harness does not know`);
    }
    return resolved;
  });
}

function base64url(value: string): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * An ACTIONS_RUNTIME_TOKEN shaped like the runner's: a JWT whose `scp` claim names the
 * workflow run and job backend ids, which @actions/artifact reads (without checking the signature).
 */
export function runtimeToken(runBackendId: string, jobBackendId: string): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5t: 'scripted' }));
  const payload = base64url(
    JSON.stringify({
      scp: `Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:${runBackendId}:${jobBackendId} Actions.UploadArtifacts:00000000-0000-0000-0000-000000000000/1:${runBackendId}`,
      iss: 'vstoken.actions.githubusercontent.com',
      aud: 'vso:00000000-0000-0000-0000-000000000000',
      nbf: 1_767_225_600,
      exp: 4_102_444_800,
    }),
  );
  return `${header}.${payload}.${base64url('scripted-signature')}`;
}

/** Outputs written to $GITHUB_OUTPUT, in both the `name=value` and the `name<<DELIMITER` forms; later lines win. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line);
    if (heredoc?.[1] !== undefined && heredoc[2] !== undefined) {
      const delimiter = heredoc[2];
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delimiter) {
        value.push(lines[i] ?? '');
        i++;
      }
      if (i >= lines.length) throw new Error(`output ${heredoc[1]} has no closing delimiter ${delimiter}`);
      outputs[heredoc[1]] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`cannot read output line: ${line}`);
    outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

function unescapeData(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(value: string): string {
  // %25 last, so an escaped "%3A" stays literal.
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

/** `::command props::message` lines of stdout (annotations, add-mask, groups), decoded. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::([\w-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match?.[1]) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
    }
    commands.push({ command: match[1], properties, message: unescapeData(match[3] ?? '') });
  }
  return commands;
}
