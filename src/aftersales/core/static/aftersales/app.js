// aftersales page behaviour. Loaded as a file (CSP: no inline scripts).
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); } }
  ready(function () {
    // Mobile: toggle the sidebar.
    document.querySelectorAll("[data-as-toggle-sidebar]").forEach(function (btn) {
      btn.addEventListener("click", function () { document.querySelector(".as-sidebar").classList.toggle("show"); });
    });
    // Language switch posts on change.
    document.querySelectorAll("[data-as-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    // Confirm dangerous actions.
    document.querySelectorAll("form[data-as-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (ev) { if (!window.confirm(form.dataset.asConfirm)) { ev.preventDefault(); } });
    });
    // "/" focuses the global search box, so an agent on the phone never reaches for the mouse.
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "/" && !/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) {
        var box = document.querySelector("[data-as-search]");
        if (box) { ev.preventDefault(); box.focus(); box.select(); }
      }
    });
  });
  // htmx: send the CSRF token with every non-GET request.
  document.addEventListener("htmx:configRequest", function (ev) {
    var token = document.querySelector("meta[name=csrf-token]");
    if (token) { ev.detail.headers["X-CSRFToken"] = token.content; }
  });
})();
