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
  // htmx: send the CSRF token with every non-GET request; a picker box asks with its text as q.
  document.addEventListener("htmx:configRequest", function (ev) {
    var token = document.querySelector("meta[name=csrf-token]");
    if (token) { ev.detail.headers["X-CSRFToken"] = token.content; }
    var elt = ev.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-as-picker-input")) { ev.detail.parameters.q = elt.value.trim(); }
  });

  // Pickers (core/pickers): a search box, a hidden pk and a list of matches from /pick/<kind>/.
  // Arrow keys move through the list, Enter picks, Escape closes; typing again forgets the pick.
  function pickerParts(el) {
    var root = el.closest("[data-as-picker]");
    if (!root) { return null; }
    return { root: root, input: root.querySelector("[data-as-picker-input]"), value: root.querySelector("[data-as-picker-value]"),
             list: root.querySelector("[data-as-picker-results]"), chosen: root.querySelector("[data-as-picker-chosen]") };
  }
  function pickerOptions(p) { return Array.prototype.slice.call(p.list.querySelectorAll("[role=option]")); }
  function pickerClose(p) {
    p.list.innerHTML = "";
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  }
  function pickerHighlight(p, index) {
    var options = pickerOptions(p);
    options.forEach(function (o, i) {
      var on = i === index;
      o.classList.toggle("active", on);
      o.setAttribute("aria-selected", on ? "true" : "false");
      if (on) { p.input.setAttribute("aria-activedescendant", o.id); o.scrollIntoView({ block: "nearest" }); }
    });
  }
  function pickerChoose(p, option) {
    p.value.value = option.dataset.value;
    p.input.value = option.dataset.label;
    p.input.dataset.asPickerLabel = option.dataset.label;
    if (p.chosen) { p.chosen.textContent = option.dataset.detail || ""; }
    pickerClose(p);
    p.value.dispatchEvent(new Event("change", { bubbles: true }));
  }
  document.addEventListener("keydown", function (ev) {
    if (!ev.target.hasAttribute || !ev.target.hasAttribute("data-as-picker-input")) { return; }
    var p = pickerParts(ev.target);
    var options = pickerOptions(p);
    var current = options.findIndex(function (o) { return o.classList.contains("active"); });
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!options.length) { return; }
      ev.preventDefault();
      var step = ev.key === "ArrowDown" ? 1 : -1;
      pickerHighlight(p, current < 0 ? (step > 0 ? 0 : options.length - 1) : (current + step + options.length) % options.length);
    } else if (ev.key === "Enter") {
      if (options.length) { ev.preventDefault(); pickerChoose(p, options[current < 0 ? 0 : current]); }
      else if (p.list.children.length) { ev.preventDefault(); }
    } else if (ev.key === "Escape" && p.list.children.length) {
      ev.preventDefault();
      pickerClose(p);
    }
  });
  document.addEventListener("input", function (ev) {
    if (!ev.target.hasAttribute || !ev.target.hasAttribute("data-as-picker-input")) { return; }
    var p = pickerParts(ev.target);
    if (p.value.value && p.input.value !== p.input.dataset.asPickerLabel) {
      p.value.value = "";
      if (p.chosen) { p.chosen.textContent = ""; }
      if (!p.input.value) { p.value.dispatchEvent(new Event("change", { bubbles: true })); }
    }
  });
  document.addEventListener("mousedown", function (ev) {
    var option = ev.target.closest && ev.target.closest("[data-as-picker-results] [role=option]");
    if (!option) { return; }
    ev.preventDefault();  // keep the focus in the box
    pickerChoose(pickerParts(option), option);
  });
  document.addEventListener("focusout", function (ev) {
    if (ev.target.hasAttribute && ev.target.hasAttribute("data-as-picker-input")) { pickerClose(pickerParts(ev.target)); }
  });
  document.addEventListener("htmx:afterSwap", function (ev) {
    var list = ev.detail.target;
    if (!list || !list.hasAttribute || !list.hasAttribute("data-as-picker-results")) { return; }
    var p = pickerParts(list);
    var picked = p.value.value && p.input.value === p.input.dataset.asPickerLabel;
    if (document.activeElement !== p.input || picked) { pickerClose(p); return; }
    p.input.setAttribute("aria-expanded", pickerOptions(p).length ? "true" : "false");
  });
})();
