// Names of inputs, outputs and statuses, exactly as action.yml and product.md spell them.

export const Inputs = {
  Mode: 'mode',
  TestCommand: 'test-command',
  SetupCommand: 'setup-command',
  Prompt: 'prompt',
  OpenAIApiKey: 'openai-api-key',
  OpenAIBaseUrl: 'openai-base-url',
  Model: 'model',
  Api: 'api',
  ReasoningEffort: 'reasoning-effort',
  GitHubToken: 'github-token',
  MaxIterations: 'max-iterations',
  MaxTokens: 'max-tokens',
  MaxCostUsd: 'max-cost-usd',
  MaxMinutes: 'max-minutes',
  TestTimeout: 'test-timeout',
  Push: 'push',
  BranchPrefix: 'branch-prefix',
  CoverageCommand: 'coverage-command',
  CoverageFile: 'coverage-file',
  AllowForks: 'allow-forks',
  AllowWorkflowEdits: 'allow-workflow-edits',
  WorkingDirectory: 'working-directory',
  SecretEnv: 'secret-env',
  Sandbox: 'sandbox',
  Network: 'network',
  Draft: 'draft',
  Labels: 'labels',
  CommitAuthor: 'commit-author',
  TriggerPhrase: 'trigger-phrase',
  BestOf: 'best-of',
  Models: 'models',
  Tasks: 'tasks',
  JobId: 'job-id',
  Key: 'key',
  Attempt: 'attempt',
} as const;

export const Outputs = {
  Status: 'status',
  Branch: 'branch',
  PrUrl: 'pr-url',
  Attempts: 'attempts',
  EvidenceDir: 'evidence-dir',
  CoverageBefore: 'coverage-before',
  CoverageAfter: 'coverage-after',
  Tokens: 'tokens',
  CostUsd: 'cost-usd',
  Matrix: 'matrix',
  Count: 'count',
  Prs: 'prs',
} as const;

export const Statuses = ['fixed', 'completed', 'gave-up', 'not-reproduced', 'flaky', 'skipped', 'error', 'answered'] as const;
export type Status = (typeof Statuses)[number];

export const Modes = ['auto', 'fix', 'task', 'coverage', 'ask', 'plan', 'pick'] as const;
export type Mode = (typeof Modes)[number];
export type ResolvedMode = Exclude<Mode, 'auto'>;
/** The modes that run the agent on one job; plan and pick only arrange such jobs. */
export type AgentMode = Exclude<ResolvedMode, 'plan' | 'pick'>;

/** The model protocol: auto picks Responses for OpenAI's own endpoint and codex models. */
export const Apis = ['auto', 'chat', 'responses'] as const;
export type ApiChoice = (typeof Apis)[number];

export const PushModes = ['pr', 'branch', 'none'] as const;
export type PushMode = (typeof PushModes)[number];

export const ToolNames = {
  ReadFile: 'read_file',
  WriteFile: 'write_file',
  EditFile: 'edit_file',
  RunTests: 'run_tests',
  ListFiles: 'list_files',
  Search: 'search',
  ApplyPatch: 'apply_patch',
  Shell: 'shell',
} as const;

export const ArtifactName = 'redgreen-evidence';
export const BotAuthor = { name: 'redgreen[bot]', email: 'redgreen[bot]@users.noreply.github.com' };
/** Trailer on every commit redgreen makes; a branch is only overwritten if all its own commits carry it. */
export const CommitTrailer = 'Redgreen-Run';
