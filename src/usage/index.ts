/**
 * Normalized usage: one reader per provider wire format, stream accumulators, a raw-byte
 * stream meter and format detection. Nothing here throws to its caller.
 *
 * @module
 */
export { normalizeResponse, readResponseUsage } from './normalize.js';
export {
  detectFormat,
  detectProvider,
  formatFromBody,
  formatFromUrl,
  isTokenCountUrl,
  normalizeProviderId,
  providerFromBody,
  providerFromHint,
} from './detect.js';
export { createStreamAccumulator } from './stream-accumulator.js';
export type { StreamAccumulator, StreamEventInput } from './stream-accumulator.js';
export { createStreamMeter, meterStream, meterStreamText } from './stream-meter.js';
export type { StreamMeter, StreamMeterOptions } from './stream-meter.js';
export {
  MAX_TRUSTED_COUNT,
  addCounts,
  finishUsage,
  noTokens,
  readCount,
  sumParts,
  createCountProblems,
} from './counts.js';
export type { CountProblems, UsageParts } from './counts.js';
export type { UsageRead } from './result.js';
export { normalizeOpenAIChatUsage } from './openai-chat.js';
export type { OpenAIChatUsage } from './openai-chat.js';
export { normalizeXaiChatUsage, isXaiChat } from './xai.js';
export { normalizeOpenAIResponsesUsage } from './openai-responses.js';
export type { OpenAIResponsesUsage } from './openai-responses.js';
export { normalizeAnthropicUsage } from './anthropic.js';
export type { AnthropicUsage } from './anthropic.js';
export { normalizeGeminiUsage } from './gemini.js';
export type { GeminiUsageMetadata } from './gemini.js';
export { normalizeBedrockUsage } from './bedrock.js';
export type { BedrockConverseUsage } from './bedrock.js';
export { normalizeCohereUsage } from './cohere.js';
export type { CohereUsage } from './cohere.js';
export { normalizeOllamaUsage } from './ollama.js';
export type { OllamaUsage } from './ollama.js';
export { estimateUsage } from './estimate.js';
export { estimateStreamUsage, estimateCancelledUsage, cancelledCallOf } from './estimate-stream.js';
export type { CancelledCall } from './estimate-stream.js';
export { normalizeAiSdkUsage, aiSdkProviderId, aiSdkModelIdentity } from './ai-sdk.js';
export type { AiSdkUsage, AiSdkUsageV2, AiSdkUsageV3, AiSdkLanguageModelUsage, AiSdkUsageContext } from './ai-sdk.js';
export { mapOtelSpan } from './otel/map-span.js';
export type { MapSpanContext, SpanCall, SpanVerdict } from './otel/map-span.js';
export { classifySpan, EXPORTED_EVENT_ATTRIBUTE } from './otel/model-call.js';
export type { SpanConvention } from './otel/model-call.js';
export { ownAgent as spanAgent } from './otel/span-attribution.js';
export { isSpanEventId, spanEventId } from './otel/span-event-id.js';
export { parseTraceparent } from './otel/traceparent.js';
export type {
  OtelAttributes,
  OtelOrigin,
  OtelSpan,
  OtelSpanEvent,
  OtelSpanKind,
  OtelStatusCode,
  OtelValue,
} from './otel/span.js';
export {
  createIncludeUsageFilter,
  refusesIncludeUsage,
  spliceIncludeUsage,
  withoutAddedUsage,
} from './include-usage.js';
export type { IncludeUsageFilter } from './include-usage.js';
export { spliceModel } from './model-splice.js';
export { batchItemEventId, readBatchOutputLine } from './batch-output.js';
export { readAnthropicBatchResultLine } from './anthropic-batch-results.js';
export type { BatchOutputItem } from './batch-output.js';
export { readUsageObject, usageObjectShape } from './usage-object.js';
export type { UsageObjectRead, UsageObjectShape } from './usage-object.js';
