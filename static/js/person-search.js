/* Choosing a person by name (councils PersonSearchWidget), enhanced: the matches come from
 * the search address as one types (or presses Enter or Search) and replace the radio
 * buttons in place; without this script the Search button sends the form and the page comes
 * back with the same radio buttons. Texts come translated from data attributes (CSP: no
 * inline script). */
(function () {
  "use strict";

  function setup(box) {
    var input = box.querySelector("input[type=search]");
    var button = box.querySelector(".person-search-button");
    var choices = box.querySelector(".person-search-choices");
    var status = box.querySelector(".person-search-status");
    var timer = null;
    var asked = "";
    var serial = 0;

    function clearNotes() {
      box.querySelectorAll(".person-search-empty, .person-search-more").forEach(function (el) {
        el.remove();
      });
    }

    function show(results, more) {
      var chosen = choices.querySelector("input:checked");
      var keep = chosen ? chosen.closest(".form-check") : null;
      choices.querySelectorAll(".form-check").forEach(function (row) {
        if (row !== keep) row.remove();
      });
      results.forEach(function (person, i) {
        if (chosen && String(person.id) === chosen.value) return;
        var row = document.createElement("div");
        row.className = "form-check";
        var radio = document.createElement("input");
        radio.type = "radio";
        radio.className = "form-check-input";
        radio.name = box.dataset.name;
        radio.id = input.id + "_js" + i;
        radio.value = person.id;
        var label = document.createElement("label");
        label.className = "form-check-label";
        label.htmlFor = radio.id;
        label.textContent = person.label;
        row.appendChild(radio);
        row.appendChild(label);
        choices.appendChild(row);
      });
      choices.hidden = !choices.querySelector(".form-check");
      clearNotes();
      var text = results.length === 0 ? box.dataset.none
        : results.length === 1 ? box.dataset.foundOne
        : box.dataset.foundMany.replace("{count}", results.length);
      if (more) text += " " + box.dataset.more;
      status.textContent = text;
      if (!results.length || more) {
        var note = document.createElement("p");
        note.className = "small text-body-secondary person-search-empty";
        note.textContent = results.length ? box.dataset.more : box.dataset.none;
        choices.insertAdjacentElement("afterend", note);
      }
    }

    function search() {
      var query = input.value.trim();
      if (query === asked) return;
      asked = query;
      if (query.length < 2) return;
      var mine = ++serial;
      var url = box.dataset.searchUrl + "?format=json&q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          if (mine === serial) show(data.results, data.more);
        })
        .catch(function () {
          asked = "";
          status.textContent = box.dataset.failed;
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        asked = "";
        search();
      }
    });
    button.addEventListener("click", function (event) {
      event.preventDefault();
      asked = "";
      search();
    });
  }

  document.querySelectorAll(".person-search").forEach(setup);
})();
