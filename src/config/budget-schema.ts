/**
 * One budget's schema: the config file's `budgets:` entries and the admin API's bodies
 * (POST /v1/budgets) are the same shape, checked by the same rules.
 *
 * @module
 */
import type * as Zod from 'zod';
import { loadZod } from '../lazy/index.js';

/** A budget's schema, built with the zod the caller loaded (schema.ts, or budgetConfigSchema()). */
export function buildBudgetSchema(z: typeof Zod.z) {
  const positiveInt = z.number().int().positive();
  const nonNegative = z.number().nonnegative();
  const budgetScopeSchema = z.strictObject({
    /** A gateway key's name. */
    key: z.string().min(1).optional(),
    agent: z.string().min(1).optional(),
    run: z.string().min(1).optional(),
    provider: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    /** Tag values the call must carry (`team: quant`); users and sessions are tags. */
    tags: z.record(z.string().min(1), z.string()).optional(),
  });

  const budgetSchema = z
    .strictObject({
      /** Named in refusals and `x-tokenledger-budget-*` headers. */
      name: z
        .string()
        .regex(
          /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/,
          'letters, digits, . _ : - (up to 64, starting with a letter or digit)',
        ),
      capUsd: nonNegative.optional(),
      capTokens: z.number().int().nonnegative().optional(),
      /** Everything when absent. */
      scope: budgetScopeSchema.optional(),
      window: z.union([
        z.enum(['day', 'week', 'month', 'lifetime']),
        z.strictObject({ rollingHours: z.number().int().min(1).max(8784) }),
      ]),
      /** IANA zone of calendar windows. @default UTC */
      timeZone: z
        .string()
        .refine(isKnownTimeZone, 'not a time zone this Node knows (an IANA name such as Europe/Paris, or UTC)')
        .optional(),
      defaultMaxOutputTokens: positiveInt.optional(),
      unpricedHoldUsd: nonNegative.optional(),
      failureMode: z.enum(['closed', 'open']).optional(),
      /** `strict` holds each call's worst case; `adaptive` a percentile of the output observed (README "Budgets"). */
      mode: z.enum(['strict', 'adaptive']).optional(),
      /** Adaptive only: the percentile of observed output held. @default 99 */
      percentile: z.number().gt(0).max(100).optional(),
      /** Adaptive only: completed calls of a model observed before their percentile is held. @default 20 */
      minObservations: z.number().int().min(1).max(100_000).optional(),
      leaseSeconds: z.number().positive().max(3600).optional(),
      paused: z.boolean().optional(),
      /** Soft thresholds in percent of the cap, each sent once per window; `webhook` a URL or `env:NAME`. */
      alerts: z
        .strictObject({
          at: z.array(z.number().positive().max(1000)).min(1).max(20).optional(),
          webhook: z.string().min(1).optional(),
        })
        .optional(),
    })
    .refine((budget) => (budget.capUsd === undefined) !== (budget.capTokens === undefined), {
      message: 'give exactly one of capUsd and capTokens',
      path: ['capUsd'],
    })
    .refine((budget) => budget.mode === 'adaptive' || budget.percentile === undefined, {
      message: 'applies to mode: adaptive only',
      path: ['percentile'],
    })
    .refine((budget) => budget.mode === 'adaptive' || budget.minObservations === undefined, {
      message: 'applies to mode: adaptive only',
      path: ['minObservations'],
    });
  return budgetSchema;
}

function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

let schema: ReturnType<typeof buildBudgetSchema> | undefined;

/** One budget's schema (the admin API's bodies), built on first use. */
export function budgetConfigSchema(): ReturnType<typeof buildBudgetSchema> {
  schema ??= buildBudgetSchema(loadZod().z);
  return schema;
}
