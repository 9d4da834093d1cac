// What follows an admin's action: its failure is shown (in the banner, or in the form's result
// line), and the page is reloaded to show what the gateway now holds.
import * as alerts from './alerts.js';
import { $, ask, setResult, showBanner } from './dom.js';
import { refresh } from './router.js';

/** Waits for an admin action, shows its failure in the banner, then reloads the page and the alerts. */
export async function act(promise) {
  try {
    await promise;
  } catch (e) {
    showBanner(e.message);
  }
  refresh();
  alerts.refresh();
}

/**
 * Asks the admin to confirm, with a red OK (what is confirmed here cannot be taken back); on OK runs
 * {@code call} (a function returning the API call) as act does.
 */
export async function confirmAct(question, okText, call) {
  if (await ask(question, [], okText, true)) act(call());
}

/** As confirmAct, for what can be taken back (a disabled admin is enabled again): the OK is not red. */
export async function confirmReversible(question, okText, call) {
  if (await ask(question, [], okText)) act(call());
}

/**
 * Runs {@code work(out)} when form {@code formId} is submitted, {@code out} being the result line
 * {@code resultId}: what it resolves to (text or a node) is shown there as done, then the form is
 * reset and the page reloaded; a failure's message is shown there instead.
 */
export function onSubmit(formId, resultId, work) {
  $(formId).addEventListener('submit', async (event) => {
    event.preventDefault();
    const out = $(resultId);
    try {
      setResult(out, await work(out), true);
      $(formId).reset();
      refresh();
    } catch (e) {
      setResult(out, e.message, false);
    }
  });
}
