/**
 * The child process of first-use.test.ts: `first-use-main.ts STEP [DIR]` imports the package
 * (except for `none`, the baseline of what tsx itself loads) and then takes one step that needs
 * a heavy module. Nothing is imported statically, so the trace shows only what the step loaded.
 */
const [step = 'none', dir = '.'] = process.argv.slice(2);

async function main(): Promise<void> {
  if (step === 'none') return;
  const tokenledger = await import('tokenledger');
  const usage = {
    inputTokens: 1000,
    outputTokens: 200,
    totalTokens: 1200,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
  switch (step) {
    case 'import':
      return;
    case 'price':
      tokenledger.createPricer().price({ provider: 'openai', model: 'gpt-4.1-nano', usage });
      return;
    case 'estimate':
      tokenledger.estimateUsage({ model: 'gpt-4o', prompt: 'How many tokens is this?' });
      return;
    case 'record': {
      const ledger = tokenledger.createLedger({ store: await tokenledger.openStore('memory:') });
      await ledger.record({ provider: 'openai', model: 'gpt-4.1-nano', usage });
      await ledger.close();
      return;
    }
    case 'refuse': {
      // An invalid input: zod loads to say which field and why.
      const ledger = tokenledger.createLedger({ store: await tokenledger.openStore('memory:') });
      await ledger.record({ provider: 'openai', model: 'gpt-4.1-nano', usage, durationMs: -1 }).catch(() => undefined);
      await ledger.close();
      return;
    }
    case 'sqlite':
      await (await tokenledger.openStore(`sqlite:${dir}/first-use.db`)).close();
      return;
    case 'postgres':
      await (await tokenledger.openStore('postgres://127.0.0.1:5432/test')).close();
      return;
    case 'redis':
      await (await tokenledger.openBudgetCounters({ store: 'memory:', redis: 'redis://127.0.0.1:6379' })).close();
      return;
    default:
      throw new Error(`unknown step ${step}`);
  }
}

await main();
