/**
 * An upper bound of a request's input tokens that cannot be below the real count, from the
 * request body alone. The local tokenizer is no bound: it counts low for other vendors'
 * tokenizers and knows nothing of images, audio or files.
 *
 * - Text: every token a model reads is at least one byte of the JSON that carried it (BPE
 *   tokens are byte sequences; JSON adds quotes, keys and escapes, never removes bytes). So
 *   the body's byte length bounds its text, base64 audio and video (a second of audio is
 *   kilobytes, tens of tokens).
 * - Images are billed by their pixels, not their bytes (a tiny inline PNG, or a URL), so each
 *   image part adds {@link IMAGE_PART_TOKENS}.
 * - Tools make providers add a hidden system prompt (Anthropic: 346 tokens and more), so a
 *   body declaring tools adds {@link TOOLS_PROMPT_TOKENS}.
 * - A reference whose content the body does not carry (an uploaded file, a file or document
 *   URL, server-side web search or fetch) can be as large as the model's context window: the
 *   bound is the context window (or {@link LARGEST_CONTEXT_TOKENS} when the catalog has none).
 *
 * Whatever the body, the input cannot exceed the model's context window, so the bound is at
 * most that when the catalog knows it.
 *
 * @module
 */

/**
 * Tokens held per image part: above the largest per-image charge documented by the providers
 * we meter (OpenAI patch-based models up to 1,536 patches x 1.62 = 2,489; Anthropic about
 * 1,600 at 1,568 px; Gemini at most 1,120 per image at high media resolution).
 */
export const IMAGE_PART_TOKENS = 8_192;

/** Tokens held for the hidden tool-use system prompt (Anthropic's is 346 for `auto`, 700+ with computer use). */
export const TOOLS_PROMPT_TOKENS = 2_048;

/** The largest context window offered (Gemini 1.5 Pro, 2M tokens): the bound when the catalog knows none. */
export const LARGEST_CONTEXT_TOKENS = 2_097_152;

// Key names and type values met in OpenAI (chat, Responses), Anthropic and Gemini bodies.
const IMAGE_PART = /"(?:image_url|input_image|inline_data|inlineData)"\s*:|"type"\s*:\s*"image"/g;
const UNCARRIED_CONTENT =
  /"(?:file_id|file_url|fileUri|file_uri|fileData|file_data)"\s*:|"type"\s*:\s*"(?:document|input_file|web_search[a-z0-9_]*|web_fetch[a-z0-9_]*|url_context|google_search[a-z_]*)"|"(?:url_context|googleSearch|google_search|urlContext)"\s*:/;
const TOOLS = /"(?:tools|functions|functionDeclarations|function_declarations)"\s*:/;

export interface InputBoundOptions {
  /** The model's context window, when the catalog knows it. */
  contextWindow?: number | undefined;
}

/** The input-token upper bound of a request body (see the module comment for why each term holds). */
export function inputTokenBound(body: string | Uint8Array, options: InputBoundOptions = {}): number {
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString();
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  const ceiling = options.contextWindow ?? LARGEST_CONTEXT_TOKENS;
  if (UNCARRIED_CONTENT.test(text)) return ceiling;
  const images = text.match(IMAGE_PART)?.length ?? 0;
  const bound = bytes + images * IMAGE_PART_TOKENS + (TOOLS.test(text) ? TOOLS_PROMPT_TOKENS : 0);
  return options.contextWindow === undefined ? bound : Math.min(bound, options.contextWindow);
}
