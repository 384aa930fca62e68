// Harbor's script: quick-hide, idle lock, tab state and busy controls. No inline handlers (strict CSP).
(function () {
  "use strict";
  // Words come from Django's JavaScript catalogue (/jsi18n/, loaded before this script on
  // signed-in pages); where it is absent (the sign-in page) the English msgid is shown.
  const gettext = window.gettext || ((text) => text);
  const body = document.body;
  // Marks that scripts run, so the stylesheet can drop what only the no-script path needs.
  document.documentElement.classList.add("js");
  // The quick-hide form carries the URLs and the idle time; it is only on signed-in pages.
  const hideForm = document.getElementById("quick-hide-form");
  const config = hideForm ? hideForm.dataset : {};

  // Replace everything on screen at once, then sign out on the server and leave the page with
  // location.replace, so the case page is not even the previous history entry.
  let hiding = false;
  function hideNow(postUrl, destination) {
    if (hiding) return;  // the idle timer keeps ticking until the browser has left
    hiding = true;
    document.title = gettext("Ward information");
    const cover = document.createElement("main");
    cover.className = "harbor-hidden-screen";
    const heading = document.createElement("h1");
    heading.textContent = gettext("Ward information");
    cover.appendChild(heading);
    body.replaceChildren(cover);
    const leave = () => window.location.replace(destination);
    fetch(postUrl, { method: "POST", credentials: "same-origin", keepalive: true })
      .then(leave, leave);
  }

  function quickHide(event) {
    if (event) event.preventDefault();
    hideNow(hideForm.action, config.neutralUrl);
  }

  if (hideForm) hideForm.addEventListener("submit", quickHide);

  // Shortcut: Shift pressed three times in a row within two seconds (the pattern public
  // "exit this page" buttons use). Any other key in between starts the count again, so typing
  // capitals never triggers it.
  let shiftPresses = [];
  document.addEventListener("keydown", (event) => {
    if (!hideForm) return;
    if (event.key !== "Shift" || event.repeat) { if (event.key !== "Shift") shiftPresses = []; return; }
    const now = Date.now();
    shiftPresses = shiftPresses.filter((t) => now - t < 2000);
    shiftPresses.push(now);
    if (shiftPresses.length >= 3) { shiftPresses = []; quickHide(); }
  });

  // Idle lock: the server forgets an idle session anyway; this hides the screen at that moment
  // instead of leaving the last case on display until someone touches the keyboard.
  const idleSeconds = Number(config.idleSeconds || 0);
  if (idleSeconds > 0) {
    let lastActivity = Date.now();
    const touch = () => { lastActivity = Date.now(); };
    ["keydown", "pointerdown", "pointermove", "wheel", "touchstart", "htmx:afterRequest"]
      .forEach((name) => document.addEventListener(name, touch, { passive: true }));
    const margin = Math.min(5, idleSeconds / 10);
    window.setInterval(() => {
      if ((Date.now() - lastActivity) / 1000 >= idleSeconds - margin) {
        hideNow(config.idleLockUrl, config.lockedUrl);
      }
    }, 1000);
  }

  // A page restored from the back-forward cache would show data from before a sign-out.
  window.addEventListener("pageshow", (event) => { if (event.persisted) window.location.reload(); });

  // When a swap replaces the control that had keyboard focus (e.g. ticking a checklist item),
  // put focus back inside the new fragment instead of dropping it to the top of the page.
  let swappedTargetId = null;
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    swappedTargetId = target && target.id && target.contains(document.activeElement) ? target.id : null;
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (!swappedTargetId) return;
    const fragment = document.getElementById(swappedTargetId);
    swappedTargetId = null;
    if (!fragment || fragment.contains(document.activeElement)) return;
    const focusable = fragment.querySelector("button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea, a[href]");
    if (focusable) focusable.focus();
  });

  // Tabs swap only the panel; keep the tab list's current marker in step.
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id !== "tab-panel") return;
    const path = event.detail.pathInfo.requestPath.split("?")[0];
    document.querySelectorAll("#case-tabs > nav a.nav-link").forEach((link) => {
      const current = new URL(link.href).pathname === path;
      link.classList.toggle("active", current);
      if (current) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
    });
    const heading = event.detail.target.querySelector("h2");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  });

  // A control whose request is on its way shows it and cannot be pressed twice (a double click
  // recorded twice before). htmx requests: from htmx:beforeRequest, when the values are already
  // taken, to htmx:afterRequest. Autosaved rows are left alone: typing must never be blocked.
  function setBusy(form, submitter, busy) {
    form.setAttribute("aria-busy", busy ? "true" : "false");
    form.querySelectorAll("button[type=submit], button:not([type])").forEach((button) => {
      button.disabled = busy;
      button.classList.toggle("harbor-busy", busy && (!submitter || button === submitter));
    });
  }
  const submitterOf = (event) => {
    const submit = event.detail && event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    return submit && submit.submitter ? submit.submitter : null;
  };
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt;
    if (form && form.tagName === "FORM" && !form.matches("[data-autosave]")) setBusy(form, submitterOf(event), true);
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (form && form.tagName === "FORM" && form.isConnected) setBusy(form, null, false);
  });
  // Plain forms (no htmx): the page is about to change, so pressing again would send it twice.
  // Disabled after this tick, so the pressed button's own name and value are still sent.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || form.id === "quick-hide-form" || form.hasAttribute("hx-post")) return;
    // The attribute, not form.method: a field named "method" (the rule-table editor has one)
    // shadows that property.
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return;
    // A second press before the button is disabled (the same instant) is dropped here.
    if (form.dataset.submitting) { event.preventDefault(); return; }
    form.dataset.submitting = "1";
    const submitter = event.submitter;
    window.setTimeout(() => setBusy(form, submitter, true), 0);
  });

  // The language switch returns to the page on screen: after an htmx tab switch that is the
  // address in the location bar, not the one the header was rendered for.
  const languageSwitch = document.getElementById("language-switch");
  if (languageSwitch) {
    languageSwitch.addEventListener("submit", () => {
      languageSwitch.elements.next.value = window.location.pathname + window.location.search;
    });
  }

  // An undo offered for a few seconds goes away when the server would refuse it anyway.
  const undo = document.getElementById("undo-threat");
  if (undo) {
    const until = (Number(undo.dataset.expiresAt) + Number(undo.dataset.expiresAfter)) * 1000;
    window.setTimeout(() => undo.remove(), Math.max(0, until - Date.now()));
  }
})();
