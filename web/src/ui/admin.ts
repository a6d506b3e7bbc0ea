/**
 * The admin key and reset. When the server has an admin key, reading needs it too: the
 * lock form asks for it and keeps it in sessionStorage for this tab. Reset is offered only
 * then (server keyed, key given); on a server without an admin key the dashboard is read-only.
 */
import { ApiError, type Api } from '../api.js';
import { h } from '../dom.js';
import { grouped } from '../format.js';
import type { ResetResponse } from '../types.js';

/** The form shown instead of a view when the server refuses us (401). */
export function lockForm(api: Api, refused: boolean, serverMessage: string, onUnlock: () => void): HTMLElement {
  const input = h('input', {
    id: 'admin-key',
    type: 'password',
    name: 'key',
    autocomplete: 'current-password',
    required: true,
    spellcheck: 'false',
  });
  const form = h(
    'form',
    {
      class: 'panel lock',
      'aria-labelledby': 'lock-title',
      onsubmit: (event: Event) => {
        event.preventDefault();
        api.key = input.value.trim();
        onUnlock();
      },
    },
    h('h2', { id: 'lock-title' }, 'This ledger needs the admin key'),
    h(
      'p',
      {},
      'This server asks for its admin key to read the analytics. The key stays in this tab only (sessionStorage) and travels in the x-tokenledger-key header, never in the URL.',
    ),
    // The server's own words say what it wants (e.g. that no admin key is configured at all).
    h('p', { class: 'muted', id: 'lock-reason' }, `The server says: ${serverMessage}`),
    refused ? h('p', { class: 'error', role: 'alert' }, 'That key was refused.') : null,
    h('div', { class: 'field' }, h('label', { for: 'admin-key' }, 'Admin key'), input),
    h('button', { type: 'submit', class: 'button' }, 'Unlock'),
  );
  queueMicrotask(() => input.focus());
  return form;
}

export interface ResetDialogOptions {
  api: Api;
  /** The current filter as the reset endpoint takes it. */
  filter: Record<string, unknown>;
  /** Words for the scope, e.g. `model = gpt-4o, last 24 hours`. */
  scope: string;
  onDone: (removed: number) => void;
  onForget: () => void;
}

/** A modal `<dialog>` (Esc closes it, focus stays inside) to remove the events under the current filters. */
export function openResetDialog(options: ResetDialogOptions): void {
  const everything = Object.keys(options.filter).length === 0;
  const confirmInput = h('input', { id: 'reset-confirm', type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const status = h('p', { role: 'status', id: 'reset-status' });
  const remove = h(
    'button',
    { type: 'submit', class: 'button danger', id: 'reset-go' },
    everything ? 'Remove every event' : 'Remove these events',
  );
  const dialog = h(
    'dialog',
    { class: 'dialog', 'aria-labelledby': 'reset-title' },
    h(
      'form',
      {
        method: 'dialog',
        onsubmit: (event: Event) => {
          event.preventDefault();
          if (confirmInput.value.trim() !== 'reset') {
            status.textContent = 'Type reset to confirm.';
            confirmInput.focus();
            return;
          }
          remove.disabled = true;
          status.textContent = 'Removing…';
          options.api
            .post<ResetResponse>('/analytics/tokens/reset', everything ? { all: true } : { filter: options.filter })
            .then((answer) => {
              status.textContent = `Removed ${grouped(answer.removed)} events.`;
              options.onDone(answer.removed);
            })
            .catch((error: unknown) => {
              status.textContent =
                error instanceof ApiError ? `Refused: ${error.message}` : 'The server did not answer.';
            })
            .finally(() => {
              remove.disabled = false;
            });
        },
      },
      h('h2', { id: 'reset-title' }, 'Admin'),
      h(
        'p',
        {},
        everything
          ? 'No filter is set: this removes every event in the ledger.'
          : 'Remove the events matching the current filters: ',
        everything ? null : h('strong', { id: 'reset-scope' }, options.scope),
      ),
      h('p', { class: 'muted' }, 'This cannot be undone.'),
      h('div', { class: 'field' }, h('label', { for: 'reset-confirm' }, 'Type reset to confirm'), confirmInput),
      status,
      h(
        'div',
        { class: 'actions' },
        remove,
        h('button', { type: 'button', class: 'button ghost', onclick: () => dialog.close() }, 'Close'),
        h(
          'button',
          {
            type: 'button',
            class: 'button ghost',
            id: 'forget-key',
            onclick: () => {
              dialog.close();
              options.onForget();
            },
          },
          'Forget the key',
        ),
      ),
    ),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  confirmInput.focus();
}

/** Explains, in a dialog, why there is no reset button. */
export function openReadOnlyDialog(): void {
  const dialog = h(
    'dialog',
    { class: 'dialog', 'aria-labelledby': 'ro-title' },
    h('h2', { id: 'ro-title' }, 'Read-only'),
    h(
      'p',
      {},
      'This server has no admin key, so the dashboard only reads. Set server.adminKey in tokenledger.config (e.g. "env:TOKENLEDGER_ADMIN_KEY") and restart to reset events from here.',
    ),
    h('form', { method: 'dialog' }, h('button', { type: 'submit', class: 'button' }, 'OK')),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}
