/**
 * Layer rules (DESIGN.md "Parts and where they live"): a folder imports only lower layers,
 * and only through their index.ts. CI fails on any violation.
 */
const layers = {
  types: 0,
  errors: 0,
  providers: 0,
  // Units: money in nano-dollars, time spans and buckets; plain numbers, defined once for all.
  units: 0,
  // The heavy dependencies, loaded on first use (src/lazy/heavy-modules.ts).
  lazy: 0,
  usage: 1,
  pricing: 1,
  store: 1,
  config: 1,
  ledger: 2,
  analytics: 2,
  // Budgets: the policy (which budgets apply, what to hold) over pricing, and the counter stores;
  // enforced by the two edges that send requests (client, gateway).
  budgets: 2,
  client: 3,
  http: 3,
  server: 4,
  cli: 5,
};
const names = Object.keys(layers);
const forbidden = [];
for (const from of names) {
  for (const to of names) {
    if (from === to) continue;
    // L0 folders may import types (the shapes everything shares), nothing else of their layer.
    if (layers[to] >= layers[from] && !(layers[from] === 0 && to === 'types')) {
      forbidden.push({
        name: `no-upward-${from}-to-${to}`,
        comment: `src/${from} (L${layers[from]}) may not import src/${to} (L${layers[to]}): layers import only lower layers`,
        severity: 'error',
        from: { path: `^src/${from}/` },
        to: { path: `^src/${to}/` },
      });
    }
  }
  forbidden.push({
    name: `only-through-index-${from}`,
    comment: `import src/${from} only through its index.ts`,
    severity: 'error',
    from: { path: '^src/', pathNot: `^src/${from}/` },
    to: { path: `^src/${from}/`, pathNot: `^src/${from}/index\\.ts$` },
  });
}
forbidden.push(
  { name: 'http-and-client-apart', severity: 'error', from: { path: '^src/http/' }, to: { path: '^src/client/' } },
  { name: 'client-and-http-apart', severity: 'error', from: { path: '^src/client/' }, to: { path: '^src/http/' } },
  { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  {
    name: 'heavy-modules-through-lazy',
    comment:
      'load zod, the price catalog, gpt-tokenizer and the database drivers through src/lazy (on first use), ' +
      'never by a value import: `import tokenledger` would pay for them (a type-only import is fine)',
    severity: 'error',
    from: { path: '^src/', pathNot: '^src/lazy/' },
    to: {
      path: 'node_modules/(zod|@pydantic/genai-prices|gpt-tokenizer|better-sqlite3|pg|ioredis)/',
      dependencyTypesNot: ['type-only'],
    },
  },
);
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
