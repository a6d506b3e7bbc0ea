/**
 * The OpenAPI description of `/v1/budgets` (routes/budgets.ts), merged into /openapi.json by
 * openapi.ts.
 *
 * @module
 */

const error = {
  description: 'Bad input or refused: { error: { code, message, field? } }',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};
const json = (description: string, schema: object = { type: 'object' }): object => ({
  description,
  content: { 'application/json': { schema } },
});
const name = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };
const adminErrors = { 400: error, 401: error, 403: error, 404: error, 409: error };
const changed = json('The definition after the change and its audit entry: { budget, audit }', {
  type: 'object',
  properties: {
    budget: { $ref: '#/components/schemas/Budget' },
    audit: { $ref: '#/components/schemas/BudgetAuditEntry' },
  },
});
const adminAction = (summary: string): object => ({
  post: { summary, security: [{ key: [] }], parameters: [name], responses: { 200: changed, ...adminErrors } },
});

export const budgetSchemas = {
  Budget: {
    type: 'object',
    description:
      'A budget in the config file\'s form (README "Budgets"): name, exactly one of capUsd and capTokens, window (day, week, month, lifetime or { rollingHours }), and optional timeZone, scope { key, agent, run, provider, model, tags }, defaultMaxOutputTokens, unpricedHoldUsd, failureMode (closed, open), leaseSeconds, paused, alerts { at, webhook }. A literal webhook URL is shown as [redacted].',
    required: ['name', 'window'],
    properties: {
      name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$' },
      capUsd: { type: 'number', minimum: 0 },
      capTokens: { type: 'integer', minimum: 0 },
      window: {
        oneOf: [
          { type: 'string', enum: ['day', 'week', 'month', 'lifetime'] },
          { type: 'object', properties: { rollingHours: { type: 'integer', minimum: 1, maximum: 8784 } } },
        ],
      },
      timeZone: { type: 'string' },
      scope: { type: 'object' },
      paused: { type: 'boolean' },
      alerts: { type: 'object' },
    },
  },
  BudgetStatus: {
    type: 'object',
    description:
      'A budget in its current window, amounts in its unit (USD or tokens): source (config: read-only here; api), cap, spent, held, remaining, refused, resetsAt (null for lifetime), forecast { projected, runsOutAt } (calendar windows with spend), definition.',
  },
  BudgetAuditEntry: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      at: { type: 'string', format: 'date-time' },
      actor: { type: 'string', description: "The admin key's id (its variable's name), never the key" },
      action: { type: 'string', enum: ['create', 'change', 'top-up', 'pause', 'resume', 'delete'] },
      budget: { type: 'string' },
      before: { oneOf: [{ $ref: '#/components/schemas/Budget' }, { type: 'null' }] },
      after: { oneOf: [{ $ref: '#/components/schemas/Budget' }, { type: 'null' }] },
    },
  },
};

export const budgetPaths = {
  '/v1/budgets': {
    get: {
      summary:
        'Every budget (config file and admin API) in its current window: cap, spent, held, remaining, refused, reset, forecast (read or admin key)',
      security: [{ key: [] }],
      responses: {
        200: json('{ budgets: [BudgetStatus] }', {
          type: 'object',
          properties: { budgets: { type: 'array', items: { $ref: '#/components/schemas/BudgetStatus' } } },
        }),
        401: error,
        403: error,
      },
    },
    post: {
      summary:
        'Create a budget (admin key); stored beside the counters, enforced by every server on them within a second; audited',
      security: [{ key: [] }],
      requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Budget' } } } },
      responses: { 201: changed, ...adminErrors },
    },
  },
  '/v1/budgets/audit': {
    get: {
      summary: 'Budget changes, newest first: who (admin key id), when, what, before and after (admin key)',
      security: [{ key: [] }],
      parameters: [
        { name: 'budget', in: 'query', schema: { type: 'string' } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        {
          name: 'before',
          in: 'query',
          description: 'Entries with a smaller id (paging back)',
          schema: { type: 'integer' },
        },
      ],
      responses: {
        200: json('{ entries: [BudgetAuditEntry] }', {
          type: 'object',
          properties: { entries: { type: 'array', items: { $ref: '#/components/schemas/BudgetAuditEntry' } } },
        }),
        400: error,
        401: error,
        403: error,
      },
    },
  },
  '/v1/budgets/{name}': {
    get: {
      summary: 'One budget in its current window (read or admin key)',
      security: [{ key: [] }],
      parameters: [name],
      responses: { 200: json('BudgetStatus', { $ref: '#/components/schemas/BudgetStatus' }), 401: error, 404: error },
    },
    patch: {
      summary:
        'Change an API budget (admin key): the fields given replace the stored ones, null removes one; a config-file budget is read-only (409 budget_read_only); no renaming',
      security: [{ key: [] }],
      parameters: [name],
      requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
      responses: { 200: changed, ...adminErrors },
    },
    delete: {
      summary: 'Delete an API budget (admin key); its spend stays in the counters',
      security: [{ key: [] }],
      parameters: [name],
      responses: { 200: changed, ...adminErrors },
    },
  },
  '/v1/budgets/{name}/top-up': {
    post: {
      summary:
        'Top up a lifetime (prepaid) API budget (admin key): raises its cap by amountUsd (USD budgets) or amountTokens (token budgets); other windows get 409 budget_not_prepaid',
      security: [{ key: [] }],
      parameters: [name],
      requestBody: {
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: {
                amountUsd: { type: 'number', exclusiveMinimum: 0 },
                amountTokens: { type: 'integer', minimum: 1 },
              },
            },
          },
        },
      },
      responses: { 200: changed, ...adminErrors },
    },
  },
  '/v1/budgets/{name}/pause': adminAction('Pause an API budget (admin key): it neither holds nor refuses'),
  '/v1/budgets/{name}/resume': adminAction('Resume a paused API budget (admin key)'),
};
