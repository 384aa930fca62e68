// The Notes tab: keeps every form's note version current after an autosave or an injury
// change (the server says the new one in an HX-Trigger), and lets a click on the body diagram
// choose the site in the injury form. Without this script the diagram's links still work
// (they reload the page with the site chosen) and each full page carries the current version.
(function () {
  "use strict";
  if (window.harborNotes) return;
  window.harborNotes = true;

  document.body.addEventListener("note-saved", (event) => {
    const version = event.detail && event.detail.version;
    if (!version) return;
    document.querySelectorAll("input.note-version").forEach((input) => { input.value = version; });
  });

  document.addEventListener("click", (event) => {
    const site = event.target.closest && event.target.closest("a.body-site");
    if (!site) return;
    const select = document.querySelector("#injury-form select[name=site]");
    if (!select) return;
    event.preventDefault();
    select.value = site.dataset.site;
    document.querySelectorAll("a.body-site.chosen").forEach((a) => a.classList.remove("chosen"));
    site.classList.add("chosen");
    const length = document.querySelector("#injury-form input[name=length_cm]");
    if (length) length.focus();
  });
})();

// "Copy" on the EHR text page: the whole text, mark included, to the clipboard.
document.addEventListener("click", (event) => {
  // Django's JavaScript catalogue (/jsi18n/); English where it is not loaded.
  const gettext = window.gettext || ((text) => text);
  const button = event.target.closest && event.target.closest("[data-copy-target]");
  if (!button) return;
  const area = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById("ehr-copy-status");
  const done = () => { if (status) status.textContent = gettext("Copied."); };
  const fallback = () => { area.select(); if (status) status.textContent = gettext("Selected: press Ctrl+C to copy."); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(area.value).then(done, fallback);
  } else {
    fallback();
  }
});
