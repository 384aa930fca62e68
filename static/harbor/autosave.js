// Autosave status for any form marked data-autosave (e.g. the screening tab's answers).
// htmx posts each form as it is typed in and swaps only the row's status, never the text box,
// so typing is never interrupted. This script says "Saving…" while a save is on its way and
// "Not saved — check connection" when it fails, and warns before leaving with unsaved rows.
// Nothing typed is ever written to browser storage: the workstation is shared.
(function () {
  "use strict";
  if (window.harborAutosave) return;
  window.harborAutosave = true;
  // Django's JavaScript catalogue (/jsi18n/); English where it is not loaded.
  const gettext = window.gettext || ((text) => text);
  const interpolate = window.interpolate || ((format, values) => format.replace(/%\((\w+)\)s/g, (_, name) => String(values[name])));

  function autosaveForm(event) {
    const form = event.detail && event.detail.elt;
    return form && form.matches && form.matches("form[data-autosave]") ? form : null;
  }

  function say(form, text, className) {
    const message = form.querySelector(".autosave-message");
    if (!message) return;
    message.textContent = text;
    message.className = "autosave-message " + className;
  }

  document.addEventListener("input", (event) => {
    const form = event.target.closest && event.target.closest("form[data-autosave]");
    if (!form) return;
    form.dataset.unsaved = "1";
    // Writing down what the patient said means the question was asked: move a row still on
    // "not asked" to "answered" before the save goes out, instead of refusing the note.
    if (event.target.tagName === "TEXTAREA" && event.target.value.trim()) {
      const notAsked = form.querySelector('input[type="radio"][value="not_asked"]:checked');
      const answered = form.querySelector('input[type="radio"][value="answered"]');
      if (notAsked && answered) answered.checked = true;
    }
  });
  // "x of 24 asked" follows each saved answer without reloading the tab: a row moving off
  // (or back to) "not asked" moves the count by one, here and in the theme's badge.
  function countAsked(form) {
    if (!("asked" in form.dataset)) return;
    const notAsked = form.querySelector('input[type="radio"][value="not_asked"]');
    const asked = notAsked && !notAsked.checked ? "1" : "0";
    if (asked === form.dataset.asked) return;
    const step = asked === "1" ? 1 : -1;
    form.dataset.asked = asked;
    const total = document.getElementById("asked-count");
    if (total) {
      total.dataset.asked = String(Number(total.dataset.asked) + step);
      total.querySelector("strong").textContent = interpolate(
        gettext("%(asked)s of %(total)s asked"),
        { asked: total.dataset.asked, total: total.dataset.total },
        true,
      );
    }
    const badge = document.getElementById("theme-asked-count");
    if (badge) {
      const [done, all] = badge.textContent.split("/").map(Number);
      badge.textContent = `${done + step}/${all}`;
    }
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = autosaveForm(event);
    if (form) say(form, gettext("Saving…"), "text-body-secondary");
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = autosaveForm(event);
    if (!form) return;
    if (event.detail.successful) {
      // The server's status says whether it was saved, refused or in conflict.
      if (!form.querySelector(".text-danger, .alert-danger")) {
        delete form.dataset.unsaved;
        countAsked(form);
      }
    } else {
      say(form, gettext("Not saved — check connection. Your text is still here: keep this page open and save again once the connection is back."), "text-danger fw-semibold");
    }
  });
  // Switching case section swaps the page without unloading it, and htmx drops a queued save
  // whose form is no longer on the page. Hold the switch until every row has saved; if that
  // takes too long (no connection), ask before leaving text behind.
  const unsavedForm = () => document.querySelector("form[data-autosave][data-unsaved]");
  document.addEventListener("htmx:confirm", (event) => {
    const target = event.detail.target;
    if (!target || target.id !== "tab-panel" || !unsavedForm()) return;
    event.preventDefault();
    const started = Date.now();
    const wait = window.setInterval(() => {
      if (!unsavedForm()) {
        window.clearInterval(wait);
        event.detail.issueRequest(true);
      } else if (Date.now() - started > 5000) {
        window.clearInterval(wait);
        if (window.confirm(gettext("Some notes are not saved yet. Leave this section anyway and lose them?"))) {
          event.detail.issueRequest(true);
        }
      }
    }, 100);
  });

  window.addEventListener("beforeunload", (event) => {
    if (document.querySelector("form[data-autosave][data-unsaved]")) event.preventDefault();
  });
})();
