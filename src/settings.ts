// Reads every input once into one typed, validated Settings value; nothing downstream reads inputs.
import { isOpenAIEndpoint } from './agent/protocol.js';
import { Apis, Inputs, Modes, PushModes, type ApiChoice, type Mode, type PushMode } from './constants.js';
import { NetworkModes, SandboxModes, type NetworkMode, type SandboxMode } from './safety/sandbox.js';

export interface Settings {
  mode: Mode;
  testCommand: string;
  setupCommand: string;
  prompt: string;
  apiKey: string;
  baseUrl?: string;
  model: string;
  /** The model protocol as asked for; `auto` is resolved against the endpoint in effect and the model. */
  api: ApiChoice;
  /** The model's reasoning effort; empty for its default. */
  reasoningEffort: string;
  githubToken: string;
  maxIterations: number;
  maxTokens: number;
  maxCostUsd?: number;
  maxMinutes: number;
  testTimeoutSec: number;
  push: PushMode;
  branchPrefix: string;
  coverageCommand: string;
  coverageFile: string;
  allowForks: boolean;
  allowWorkflowEdits: boolean;
  /** Absolute path of the project. */
  workingDirectory: string;
  /** Extra environment variable names to withhold and redact. */
  secretEnv: string[];
  /** Who runs the untrusted code: a second user (auto: where the runner allows one), or the action's own user. */
  sandbox: SandboxMode;
  /** off: untrusted processes reach only their own loopback once the setup commands have run. */
  network: NetworkMode;
  draft: boolean;
  labels: string[];
  author: { name: string; email: string };
  /** The mention that starts a run from a comment, as a word of its own. */
  triggerPhrase: string;
  /** Fan-out: attempts per key (plan), and this cell's share of them. */
  bestOf: number;
  /** Fan-out: models that attempt n cycles through (plan). */
  models: string[];
  /** Fan-out: one task a line (plan on workflow_dispatch). */
  tasks: string[];
  /** Fan-out cell: the numeric id of the failed job to fix, instead of the run's first failed job. */
  jobId?: number;
  /** Fan-out cell: the failure's or task's lasting key; it names the branch. */
  key: string;
  /** Fan-out cell: this cell's attempt number, from 1. */
  attempt: number;
}

/** A bad input: the run ends as `error` with this message. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

export type InputReader = (name: string) => string;

const Defaults = {
  /** Any other endpoint: a small model most compatible servers and gateways serve. */
  model: 'gpt-5-mini',
  /** OpenAI's own endpoint: the current Codex model, trained on this kind of loop, with its price known. */
  openaiModel: 'gpt-5.3-codex',
  maxIterations: 30,
  maxTokens: 2_000_000,
  maxMinutes: 30,
  testTimeoutSec: 600,
  branchPrefix: 'redgreen/',
  coverageFile: 'coverage/lcov.info',
  triggerPhrase: '@redgreen',
};

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[], fallback: T): T {
  if (value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new SettingsError(`Input '${name}' is '${value}'; it must be one of: ${allowed.join(', ')}.`);
}

function positive(name: string, value: string, fallback: number, opts: { integer?: boolean } = {}): number {
  if (value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (opts.integer && !Number.isInteger(n))) {
    throw new SettingsError(`Input '${name}' is '${value}'; it must be a positive ${opts.integer ? 'whole ' : ''}number.`);
  }
  return n;
}

function bool(name: string, value: string): boolean {
  const v = value.toLowerCase();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  throw new SettingsError(`Input '${name}' is '${value}'; it must be true or false.`);
}

const EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];

function reasoningEffort(value: string): string {
  if (value === '' || EFFORTS.includes(value)) return value;
  throw new SettingsError(`Input 'reasoning-effort' is '${value}'; it must be empty or one of: ${EFFORTS.join(', ')}.`);
}

function list(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function lines(value: string): string[] {
  return value
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A key becomes part of a branch name and an artifact name: letters, digits, '.', '_' and '-' only. */
function parseKey(value: string): string {
  if (value === '') return '';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(value) || value.includes('..') || value.endsWith('.lock')) {
    throw new SettingsError(`Input 'key' is '${value}'; use up to 100 letters, digits, '.', '_' and '-', starting with a letter or digit.`);
  }
  return value;
}

function parseAuthor(value: string): { name: string; email: string } {
  if (value === '') return { name: 'redgreen[bot]', email: 'redgreen[bot]@users.noreply.github.com' };
  const m = /^\s*(.+?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value);
  if (!m) throw new SettingsError(`Input 'commit-author' is '${value}'; write it as 'Name <email>'.`);
  return { name: m[1]!, email: m[2]! };
}

/**
 * Builds Settings from any source of inputs (the action's INPUT_* variables, the CLI's flags).
 * `root` is the folder working-directory is relative to (the workspace).
 */
export function parseSettings(
  read: InputReader,
  root: string,
  resolvePath: (root: string, p: string) => string,
  env: Record<string, string | undefined> = process.env,
): Settings {
  const get = (name: string): string => read(name).trim();
  const baseUrl = get(Inputs.OpenAIBaseUrl);
  if (baseUrl && !/^https?:\/\//.test(baseUrl)) {
    throw new SettingsError(`Input 'openai-base-url' is '${baseUrl}'; it must start with http:// or https://.`);
  }
  const prefix = get(Inputs.BranchPrefix) || Defaults.branchPrefix;
  if (!/^[A-Za-z0-9._\/-]+$/.test(prefix) || prefix.includes('..')) {
    throw new SettingsError(`Input 'branch-prefix' is '${prefix}'; use letters, digits, '.', '_', '-' and '/'.`);
  }
  const maxCost = get(Inputs.MaxCostUsd);
  const jobId = get(Inputs.JobId);
  return {
    mode: oneOf(Inputs.Mode, get(Inputs.Mode), Modes, 'auto'),
    testCommand: get(Inputs.TestCommand),
    setupCommand: get(Inputs.SetupCommand),
    prompt: get(Inputs.Prompt),
    apiKey: get(Inputs.OpenAIApiKey),
    baseUrl: baseUrl || undefined,
    // The endpoint in effect: the input, else the SDK's OPENAI_BASE_URL, else OpenAI.
    model: get(Inputs.Model) || (isOpenAIEndpoint(baseUrl || env.OPENAI_BASE_URL?.trim()) ? Defaults.openaiModel : Defaults.model),
    api: oneOf(Inputs.Api, get(Inputs.Api), Apis, 'auto'),
    reasoningEffort: reasoningEffort(get(Inputs.ReasoningEffort)),
    githubToken: get(Inputs.GitHubToken),
    maxIterations: positive(Inputs.MaxIterations, get(Inputs.MaxIterations), Defaults.maxIterations, { integer: true }),
    maxTokens: positive(Inputs.MaxTokens, get(Inputs.MaxTokens), Defaults.maxTokens, { integer: true }),
    maxCostUsd: maxCost === '' ? undefined : positive(Inputs.MaxCostUsd, maxCost, 0),
    maxMinutes: positive(Inputs.MaxMinutes, get(Inputs.MaxMinutes), Defaults.maxMinutes),
    testTimeoutSec: positive(Inputs.TestTimeout, get(Inputs.TestTimeout), Defaults.testTimeoutSec),
    push: oneOf(Inputs.Push, get(Inputs.Push), PushModes, 'pr'),
    branchPrefix: prefix,
    coverageCommand: get(Inputs.CoverageCommand),
    coverageFile: get(Inputs.CoverageFile) || Defaults.coverageFile,
    allowForks: bool(Inputs.AllowForks, get(Inputs.AllowForks)),
    allowWorkflowEdits: bool(Inputs.AllowWorkflowEdits, get(Inputs.AllowWorkflowEdits)),
    workingDirectory: resolvePath(root, get(Inputs.WorkingDirectory) || '.'),
    secretEnv: list(get(Inputs.SecretEnv)),
    sandbox: oneOf(Inputs.Sandbox, get(Inputs.Sandbox), SandboxModes, 'auto'),
    network: oneOf(Inputs.Network, get(Inputs.Network), NetworkModes, 'on'),
    draft: bool(Inputs.Draft, get(Inputs.Draft)),
    labels: list(get(Inputs.Labels)),
    author: parseAuthor(get(Inputs.CommitAuthor)),
    triggerPhrase: get(Inputs.TriggerPhrase) || Defaults.triggerPhrase,
    bestOf: positive(Inputs.BestOf, get(Inputs.BestOf), 1, { integer: true }),
    models: list(get(Inputs.Models)),
    tasks: lines(get(Inputs.Tasks)),
    jobId: jobId === '' ? undefined : positive(Inputs.JobId, jobId, 0, { integer: true }),
    key: parseKey(get(Inputs.Key)),
    attempt: positive(Inputs.Attempt, get(Inputs.Attempt), 1, { integer: true }),
  };
}
