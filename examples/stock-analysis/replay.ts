/**
 * The stand-in for Google's Gemini API: a small HTTP server on 127.0.0.1 answering each call
 * with a RECORDED REAL Gemini response for the model the agent uses, after a model-like delay.
 * Nothing here is tokenledger: point the `gemini` provider's `baseURL` back at Google (and set
 * GEMINI_API_KEY) and the example runs for real.
 *
 * The recorded answers (recorded/*.json, each naming its source; copies of the project's
 * test/fixtures/gemini/ files):
 * - gemini-2.5-flash: `gemini-03-cached-content`, a call that read 3,512 of its 3,520 prompt
 *   tokens from an explicit cache (so the report shows cache savings), 42 thinking tokens;
 * - gemini-2.5-pro: `gemini-04-tool-use-prompt`, a grounded (Google Search) call with 213
 *   thinking tokens.
 * Their text is about Paris and San Francisco's weather, not stocks: only the metering is real.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The models the example's agents use, and the recorded answer replayed for each. */
export const RECORDED: Record<string, string> = {
  'gemini-2.5-flash': 'gemini-03-cached-content',
  'gemini-2.5-pro': 'gemini-04-tool-use-prompt',
};

/** Gemini's answer when it is overloaded (the shape of its REST errors: `{ error: { code, message, status } }`). */
const OVERLOADED = {
  error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' },
};

interface Answer {
  status: number;
  body: unknown;
  latencyMs: number;
}

function recordedBody(name: string): unknown {
  const file = new URL(`./recorded/${name}.json`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { body: unknown }).body;
}

export interface ReplayingGemini {
  /** Base URL for the `gemini` provider (`http://127.0.0.1:PORT`). */
  readonly baseURL: string;
  /** Requests received so far. */
  readonly requestCount: number;
  /**
   * Readies the answer to one call on `model`: the recorded response after `latencyMs`,
   * preceded by `overloaded` 503 answers (each retried by the client).
   */
  expect(model: string, latencyMs: number, overloaded?: number): void;
  close(): Promise<void>;
}

/**
 * Starts the stand-in on a random port. It answers in arrival order whatever the route, so
 * callers ready each answer just before the call, and only calls on one model run at once
 * (the example's phases are so: three flash agents, then two pro agents, then one).
 */
export async function startReplayingGemini(): Promise<ReplayingGemini> {
  const answers: Answer[] = [];
  let requestCount = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requestCount++;
      const answer = answers.shift() ?? {
        status: 500,
        body: { error: { message: 'no answer readied' } },
        latencyMs: 0,
      };
      setTimeout(() => {
        response.writeHead(answer.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answer.body));
      }, answer.latencyMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}`,
    get requestCount() {
      return requestCount;
    },
    expect(model, latencyMs, overloaded = 0) {
      const name = RECORDED[model];
      if (name === undefined) throw new Error(`no recorded Gemini answer for ${model}`);
      for (let i = 0; i < overloaded; i++) answers.push({ status: 503, body: OVERLOADED, latencyMs: 0 });
      answers.push({ status: 200, body: recordedBody(name), latencyMs });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
