/* Portal behaviour shared by every page (no inline script; CSP-friendly).
   Strings come translated from data attributes on <body>, set in templates/base.html. */
(function () {
  "use strict";
  var body = document.body;

  /* Tables that can scroll sideways are keyboard-reachable regions with a name (WCAG 2.1.1),
     and say so when they actually overflow. */
  function nameFor(wrapper) {
    var caption = wrapper.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var el = wrapper.previousElementSibling;
    while (el && !/^H[1-6]$/.test(el.tagName)) el = el.previousElementSibling;
    return el ? el.textContent.trim() : body.dataset.scrollLabel;
  }
  function markScrollable() {
    document.querySelectorAll(".table-responsive").forEach(function (wrapper) {
      if (!wrapper.hasAttribute("tabindex")) wrapper.setAttribute("tabindex", "0");
      if (!wrapper.hasAttribute("role")) wrapper.setAttribute("role", "region");
      if (!wrapper.hasAttribute("aria-label") && !wrapper.hasAttribute("aria-labelledby")) {
        wrapper.setAttribute("aria-label", nameFor(wrapper));
      }
      var hint = wrapper.previousElementSibling;
      var hasHint = hint && hint.classList.contains("scroll-hint");
      var overflows = wrapper.scrollWidth > wrapper.clientWidth + 1;
      if (overflows && !hasHint) {
        hint = document.createElement("p");
        hint.className = "scroll-hint small text-body-secondary mb-1";
        hint.textContent = body.dataset.scrollHint;
        wrapper.parentNode.insertBefore(hint, wrapper);
      } else if (!overflows && hasHint) {
        hint.remove();
      }
    });
  }

  /* The Canada.ca error pattern: a summary at the top linking to each field, focus on it,
     and "Error:" before the page title. */
  function labelFor(field) {
    var label = field.id && document.querySelector('label[for="' + field.id + '"]');
    if (!label) {
      var fieldset = field.closest("fieldset");
      label = fieldset && fieldset.querySelector("legend");
    }
    return label ? label.textContent.replace(/\*/g, "").trim() : field.name;
  }
  function prefixTitle() {
    var prefix = body.dataset.errorTitle + " ";
    if (document.title.indexOf(prefix) !== 0) document.title = prefix + document.title;
  }
  function errorSummary() {
    var invalid = document.querySelectorAll("main .is-invalid, main [aria-invalid='true']");
    var general = document.querySelectorAll("main form .alert-danger, main form .errorlist.nonfield");
    if (!invalid.length && !general.length) {
      // An action the server refused comes back as an error message: same title and focus.
      var refused = document.querySelector(".messages .alert-danger");
      if (refused) {
        refused.setAttribute("tabindex", "-1");
        prefixTitle();
        refused.focus();
      }
      return;
    }
    var items = [];
    var seen = {};
    general.forEach(function (el) { items.push({ text: el.textContent.trim(), href: null }); });
    invalid.forEach(function (field) {
      var key = field.name || field.id;
      if (seen[key]) return;
      seen[key] = true;
      var container = field.closest(".mb-3, fieldset, .form-group") || field.parentNode;
      var feedback = container.querySelector(".invalid-feedback, .errorlist");
      var text = labelFor(field) + (feedback ? " — " + feedback.textContent.trim() : "");
      items.push({ text: text, href: field.id ? "#" + field.id : null });
      if (feedback) {
        if (!feedback.id) feedback.id = "error-" + (field.id || key);
        var group = field.closest("fieldset") || field;
        var described = (group.getAttribute("aria-describedby") || "").split(" ");
        if (described.indexOf(feedback.id) < 0) {
          group.setAttribute("aria-describedby", (described.join(" ") + " " + feedback.id).trim());
        }
      }
    });
    var summary = document.createElement("section");
    summary.className = "alert alert-danger error-summary";
    summary.setAttribute("tabindex", "-1");
    summary.setAttribute("aria-labelledby", "error-summary-heading");
    var heading = document.createElement("h2");
    heading.className = "h5";
    heading.id = "error-summary-heading";
    heading.textContent = body.dataset.errorHeading;
    summary.appendChild(heading);
    var list = document.createElement("ul");
    list.className = "mb-0";
    items.forEach(function (item) {
      var li = document.createElement("li");
      if (item.href) {
        var a = document.createElement("a");
        a.href = item.href;
        a.textContent = item.text;
        li.appendChild(a);
      } else {
        li.textContent = item.text;
      }
      list.appendChild(li);
    });
    summary.appendChild(list);
    var main = document.getElementById("main");
    var h1 = main.querySelector("h1");
    if (h1 && h1.parentNode) h1.parentNode.insertBefore(summary, h1.nextSibling);
    else main.insertBefore(summary, main.firstChild);
    prefixTitle();
    summary.focus();
  }

  markScrollable();
  errorSummary();
  window.addEventListener("resize", markScrollable);
})();
