/** What every view gets: the API, the URL state, the clock, and ways to move. */
import type { Api } from './api.js';
import { h, type Attrs, type Child } from './dom.js';
import { href, type State } from './state.js';

export interface Ctx {
  api: Api;
  state: State;
  /** The time the relative ranges are measured from (one value per load). */
  now: number;
  /** Aborted when a newer load starts (navigation, refresh). */
  signal: AbortSignal;
  /** True when the server has an admin key and this tab gave it: reset is offered. */
  admin: boolean;
  /** Goes to a new state (a history entry unless `replace`). */
  navigate(change: Partial<State>, options?: { replace?: boolean }): void;
  /** Changes the URL without loading again (e.g. a table's sort). */
  remember(change: Partial<State>): void;
  /** Loads the view again with the same state (a page of calls that keeps its cursor in the view). */
  reload(): void;
}

/** A real link (open in new tab works); plain clicks are handled in-page by the router. */
export function link(state: State, change: Partial<State>, text: Child, attrs: Attrs = {}): HTMLAnchorElement {
  return h('a', { href: href(state, change), 'data-nav': '', ...attrs }, text);
}
