/* Progressive enhancements for every page; the pages work without them.
 * - Scrollable tables are focusable, named regions (WCAG 2.1.1 at 320 px), with a visible
 *   hint while they scroll.
 * - A form with errors gets a summary at the top that links to each field; focus moves to
 *   it and the page title starts with "Error:" (the Canada.ca pattern).
 * Texts come translated from data attributes on <body>: no inline script (CSP).
 */
(function () {
  "use strict";
  var texts = document.body.dataset;

  var boxes = document.querySelectorAll(".table-responsive");
  boxes.forEach(function (box, i) {
    if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
    if (!box.hasAttribute("role")) box.setAttribute("role", "region");
    if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
      var caption = box.querySelector("caption");
      if (caption) {
        if (!caption.id) caption.id = "portal-table-caption-" + i;
        box.setAttribute("aria-labelledby", caption.id);
      } else {
        box.setAttribute("aria-label", texts.tableLabel);
      }
    }
    var hint = document.createElement("p");
    hint.className = "scroll-hint small text-body-secondary mb-1";
    hint.textContent = texts.scrollHint;
    hint.hidden = true;
    box.parentNode.insertBefore(hint, box);
    box.portalHint = hint;
  });
  function showHints() {
    boxes.forEach(function (box) {
      box.portalHint.hidden = box.scrollWidth <= box.clientWidth + 1;
    });
  }
  showHints();
  window.addEventListener("resize", showHints);

  var invalid = document.querySelectorAll("main form .is-invalid");
  var refused = document.querySelector(".messages .alert-danger");
  if (!invalid.length && refused) {
    // An action the server refused comes back as an error message: same title and focus.
    refused.setAttribute("tabindex", "-1");
    document.title = texts.errorTitle + " " + document.title;
    refused.focus();
    return;
  }
  if (!invalid.length || document.querySelector(".error-summary")) return;
  var items = [];
  var seen = {};
  invalid.forEach(function (field) {
    var id = field.id;
    // A radio or checkbox group is one problem: one entry, named by its legend, that
    // links to its first box.
    var boxes = (field.type === "radio" || field.type === "checkbox") && field.closest("fieldset");
    var key = boxes ? "group:" + field.name : id;
    if (!id || seen[key]) return;
    seen[key] = true;
    var label = boxes ? boxes.querySelector("legend") :
      document.querySelector('label[for="' + id + '"]');
    var group = boxes || field.closest(".mb-3, fieldset, .form-group") || field.parentNode;
    var message = group.querySelector(".invalid-feedback, .invalid-feedback strong");
    var text = (label ? label.textContent.replace(/\*\s*$/, "").trim() : id) +
      (message ? " — " + message.textContent.trim() : "");
    items.push({ id: id, text: text });
  });
  if (!items.length) return;
  var summary = document.createElement("div");
  summary.className = "alert alert-danger error-summary";
  summary.setAttribute("tabindex", "-1");
  summary.setAttribute("aria-labelledby", "error-summary-heading");
  var heading = document.createElement("h2");
  heading.className = "h5";
  heading.id = "error-summary-heading";
  heading.textContent = items.length === 1 ? texts.errorOne :
    texts.errorMany.replace("{count}", items.length);
  summary.appendChild(heading);
  var list = document.createElement("ul");
  list.className = "mb-0";
  items.forEach(function (item) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = "#" + item.id;
    a.textContent = item.text;
    li.appendChild(a);
    list.appendChild(li);
  });
  summary.appendChild(list);
  var main = document.getElementById("main");
  var title = main.querySelector("h1");
  main.insertBefore(summary, title ? title.nextSibling : main.firstChild);
  document.title = texts.errorTitle + " " + document.title;
  summary.focus();
})();
