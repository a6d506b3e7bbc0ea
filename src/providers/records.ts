/**
 * One record per provider. Adding a provider is one record here (plus, when its wire format is
 * new, one reader in src/usage). Ids follow `@pydantic/genai-prices` where it names the
 * provider (`google` for Gemini and Vertex AI); `xai` and `bedrock` keep the ids events have
 * always carried, with the catalog's (`x-ai`, `aws`) as aliases.
 *
 * Order matters twice: a host is matched against the records in order, and so are the body
 * marks (see BodyMarks).
 *
 * @module
 */
import type { ProviderRecord } from './types.js';

export const PROVIDER_RECORDS: readonly ProviderRecord[] = [
  {
    id: 'openrouter',
    name: 'OpenRouter',
    aliases: ['open-router'],
    hosts: ['openrouter.ai', '*.openrouter.ai'],
    wireFormat: 'openai-chat',
    baseURL: 'https://openrouter.ai/api/v1',
    env: {
      keyVars: ['OPENROUTER_API_KEY'],
      baseURLVar: 'OPENROUTER_BASE_URL',
      // https://openrouter.ai/docs/api-reference/overview#headers: optional app attribution.
      headerVars: { 'HTTP-Referer': 'OPENROUTER_REFERER', 'X-Title': 'OPENROUTER_TITLE' },
    },
    client: { adapter: 'openai-compatible' },
    // "included in the last SSE message for streaming responses ... No additional parameters are
    // required"; stream_options is accepted and has no effect (https://openrouter.ai/docs/use-cases/usage-accounting).
    streamUsage: 'always',
    bodyMarks: { idPrefix: 'gen-', usageCostKey: 'cost' },
    quirks: { routesVendorModelIds: true },
  },
  {
    id: 'openai',
    name: 'OpenAI',
    aliases: ['openai-api'],
    hosts: ['api.openai.com'],
    wireFormat: 'openai-chat',
    baseURL: 'https://api.openai.com/v1',
    env: { keyVars: ['OPENAI_API_KEY'], baseURLVar: 'OPENAI_BASE_URL' },
    // Reasoning models refuse `max_tokens` (https://platform.openai.com/docs/api-reference/chat/create#chat-create-max_tokens).
    client: { adapter: 'openai-compatible', maxTokensField: 'max_completion_tokens' },
    // "If set, an additional chunk will be streamed before the data: [DONE] message ... All other
    // chunks will also include a usage field, but with a null value" (chat/create#stream_options).
    streamUsage: 'on-request',
  },
  {
    id: 'groq',
    name: 'Groq',
    aliases: [],
    hosts: ['api.groq.com'],
    wireFormat: 'openai-chat',
    baseURL: 'https://api.groq.com/openai/v1',
    env: { keyVars: ['GROQ_API_KEY'], baseURLVar: 'GROQ_BASE_URL' },
    client: { adapter: 'openai-compatible' },
    // The last chunk's `x_groq.usage` holds the usage of every stream (test/fixtures/groq);
    // include_usage is accepted too (https://console.groq.com/docs/openai).
    streamUsage: 'always',
    bodyMarks: { bodyKeys: ['x_groq'] },
  },
  {
    id: 'deepseek',
    name: 'DeepSeek',
    aliases: [],
    hosts: ['api.deepseek.com'],
    wireFormat: 'openai-chat',
    baseURL: 'https://api.deepseek.com/v1',
    env: { keyVars: ['DEEPSEEK_API_KEY'], baseURLVar: 'DEEPSEEK_BASE_URL' },
    client: { adapter: 'openai-compatible' },
    // stream_options.include_usage as OpenAI's (https://api-docs.deepseek.com/api/create-chat-completion).
    streamUsage: 'on-request',
    bodyMarks: { usageKeys: ['prompt_cache_hit_tokens'], modelPattern: /^deepseek-/i },
  },
  {
    id: 'azure',
    name: 'Microsoft Azure OpenAI',
    aliases: ['azure-openai', 'azure_openai', 'azureopenai'],
    hosts: ['*.openai.azure.com', '*.services.ai.azure.com', '*.cognitiveservices.azure.com', '*.azure-api.net'],
    wireFormat: 'openai-chat',
    // Honoured since API version 2024-10-21; earlier versions answer 400 to the unknown field
    // (openai/openai-python#1469, griptape-ai/griptape#1640), which is retried without it.
    streamUsage: 'on-request',
    bodyMarks: {
      bodyKeys: ['prompt_filter_results'],
      choiceKeys: ['content_filter_results'],
      responseKeys: ['content_filters'],
    },
  },
  {
    id: 'xai',
    name: 'xAI',
    aliases: ['x-ai', 'x.ai', 'grok'],
    hosts: ['api.x.ai'],
    wireFormat: 'openai-chat',
    baseURL: 'https://api.x.ai/v1',
    env: { keyVars: ['XAI_API_KEY'], baseURLVar: 'XAI_BASE_URL' },
    client: { adapter: 'openai-compatible' },
    streamUsage: 'on-request',
    bodyMarks: { modelPattern: /^grok-/i },
    // grok-3-mini reports completion_tokens 1 with reasoning_tokens 228 (vercel/ai packages/xai fixtures).
    quirks: { chatOutputExcludesReasoning: true },
  },
  {
    id: 'mistral',
    name: 'Mistral',
    aliases: ['mistralai', 'mistral-ai'],
    hosts: ['api.mistral.ai'],
    wireFormat: 'openai-chat',
    baseURL: 'https://api.mistral.ai/v1',
    env: { keyVars: ['MISTRAL_API_KEY'], baseURLVar: 'MISTRAL_BASE_URL' },
    client: { adapter: 'openai-compatible' },
    // Refuses `stream_options` with a 422 "extra_forbidden" and sends usage in the last chunk
    // unasked (avante-corp/avante.nvim#2347, TabbyML/tabby#4082).
    streamUsage: 'always-refuses-option',
    bodyMarks: {
      modelPattern: /^(mistral|ministral|codestral|pixtral|magistral|devstral|open-mistral|open-mixtral|voxtral)/i,
    },
  },
  {
    id: 'cerebras',
    name: 'Cerebras',
    aliases: [],
    hosts: ['api.cerebras.ai'],
    wireFormat: 'openai-chat',
    baseURL: 'https://api.cerebras.ai/v1',
    env: { keyVars: ['CEREBRAS_API_KEY'], baseURLVar: 'CEREBRAS_BASE_URL' },
    client: { adapter: 'openai-compatible' },
    // OpenAI-compatible chat completions (https://inference-docs.cerebras.ai/resources/openai);
    // whether streams honour include_usage is not documented there: asked, and retried without
    // it if refused.
    streamUsage: 'on-request',
  },
  {
    id: 'anthropic',
    name: 'Anthropic',
    aliases: ['claude', 'anthropic-api'],
    hosts: ['api.anthropic.com'],
    wireFormat: 'anthropic',
    // The host, without /v1, as the official SDK reads ANTHROPIC_BASE_URL.
    baseURL: 'https://api.anthropic.com',
    env: { keyVars: ['ANTHROPIC_API_KEY'], baseURLVar: 'ANTHROPIC_BASE_URL' },
    client: { adapter: 'anthropic' },
    // Claude on Vertex AI: Anthropic's model at Anthropic's list prices, whatever the host.
    quirks: { urlPathMarker: '/publishers/anthropic/' },
  },
  {
    id: 'google',
    name: 'Google Gemini',
    aliases: ['gemini', 'google-gla', 'google-vertex', 'google-genai', 'vertex', 'vertexai', 'vertex-ai'],
    hosts: ['generativelanguage.googleapis.com', 'aiplatform.googleapis.com', '*-aiplatform.googleapis.com'],
    wireFormat: 'gemini',
    baseURL: 'https://generativelanguage.googleapis.com',
    // GEMINI_API_KEY then GOOGLE_API_KEY, as @google/genai reads them.
    env: { keyVars: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'], baseURLVar: 'GEMINI_BASE_URL' },
    client: { adapter: 'gemini' },
  },
  {
    id: 'bedrock',
    name: 'AWS Bedrock',
    aliases: ['aws', 'aws-bedrock', 'amazon-bedrock', 'bedrock-runtime'],
    hosts: ['bedrock-runtime.*.amazonaws.com', 'bedrock.*.amazonaws.com', 'bedrock-runtime-fips.*.amazonaws.com'],
    wireFormat: 'bedrock-converse',
  },
  {
    id: 'cohere',
    name: 'Cohere',
    aliases: ['cohere-ai'],
    hosts: ['api.cohere.com', 'api.cohere.ai', '*.cohere.com', '*.cohere.ai'],
    wireFormat: 'cohere',
  },
  {
    id: 'ollama',
    name: 'Ollama',
    aliases: [],
    hosts: ['ollama.com', '*.ollama.com'],
    wireFormat: 'ollama',
    // The OpenAI-compatible API is under /v1 (https://github.com/ollama/ollama/blob/main/docs/openai.md).
    baseURL: 'http://127.0.0.1:11434/v1',
    // https://github.com/ollama/ollama/blob/main/docs/faq.md: OLLAMA_HOST names the server.
    env: { keyVars: ['OLLAMA_API_KEY'], baseURLVar: 'OLLAMA_HOST', baseURLSuffix: '/v1', keyOptional: true },
    client: { adapter: 'openai-compatible' },
    streamUsage: 'on-request',
    quirks: { localPort: 11434 },
  },
  {
    id: 'vllm',
    name: 'vLLM',
    aliases: [],
    hosts: [],
    wireFormat: 'openai-chat',
    // https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html (port 8000).
    baseURL: 'http://127.0.0.1:8000/v1',
    env: { keyVars: ['VLLM_API_KEY'], baseURLVar: 'VLLM_BASE_URL', keyOptional: true },
    client: { adapter: 'openai-compatible' },
    streamUsage: 'on-request',
  },
  // OpenAI-compatible hosts met in real captures that are not OpenAI (issue 10).
  {
    id: 'zai',
    name: 'Z.AI',
    aliases: ['z-ai', 'zhipu'],
    hosts: ['api.z.ai', 'open.bigmodel.cn'],
    wireFormat: 'openai-chat',
    streamUsage: 'on-request',
  },
  {
    id: 'alibaba',
    name: 'Alibaba Cloud Model Studio (DashScope)',
    aliases: ['dashscope'],
    hosts: ['dashscope.aliyuncs.com', 'dashscope-intl.aliyuncs.com', 'dashscope-us.aliyuncs.com'],
    wireFormat: 'openai-chat',
    streamUsage: 'on-request',
  },
  {
    id: 'huggingface',
    name: 'Hugging Face Inference Providers',
    aliases: ['hugging-face'],
    hosts: ['router.huggingface.co', 'api-inference.huggingface.co'],
    wireFormat: 'openai-chat',
    streamUsage: 'on-request',
  },
  {
    id: 'snowflake',
    name: 'Snowflake Cortex',
    aliases: ['snowflake-cortex'],
    hosts: ['*.snowflakecomputing.com'],
    wireFormat: 'openai-chat',
    streamUsage: 'on-request',
  },
];
