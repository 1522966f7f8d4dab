// The environment test commands get: the runner's, without credentials.
import { describe, expect, it } from 'vitest';
import { childEnv } from '../../../src/safety/env.js';

describe('childEnv', () => {
  it('withholds inputs, runtime tokens, the GitHub token, the model key and listed names', () => {
    const env = childEnv(
      {
        PATH: '/usr/bin',
        HOME: '/root',
        'INPUT_OPENAI-API-KEY': 'sk-live-1234567890',
        INPUT_MODE: 'fix',
        ACTIONS_RUNTIME_TOKEN: 'runtime-jwt',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
        GITHUB_TOKEN: 'ghs_abcdefghijkl',
        GH_TOKEN: 'ghs_abcdefghijkl',
        OPENAI_API_KEY: 'sk-live-1234567890',
        DEPLOY_KEY: 'deploy',
        COPY_OF_KEY: 'prefix-sk-live-1234567890',
        GITHUB_REPOSITORY: 'o/r',
      },
      { withhold: ['DEPLOY_KEY'], secrets: ['sk-live-1234567890', 'ghs_abcdefghijkl'] },
    );
    expect(Object.keys(env).sort()).toEqual(['CI', 'GITHUB_REPOSITORY', 'GIT_TERMINAL_PROMPT', 'HOME', 'PATH']);
  });
});
