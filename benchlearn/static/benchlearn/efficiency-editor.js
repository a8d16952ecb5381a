// The DEA model editor: each list of the catalogue (select.catalogue-pick) gets a search
// box that hides the entries not matching what is typed, and a list of the entries
// picked, so that the operator sees what the model will use while picking.
(function () {
  "use strict";

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/ł/g, "l");
  }

  function enhance(select) {
    var search = document.createElement("input");
    search.type = "search";
    search.className = "catalogue-search";
    search.setAttribute("aria-controls", select.id);
    var box = select.closest("[data-search-label]") || select;
    search.setAttribute("aria-label", box.dataset.searchLabel || "");
    search.placeholder = box.dataset.searchPlaceholder || "";
    select.parentNode.insertBefore(search, select);

    var picked = document.createElement("ul");
    picked.className = "catalogue-picked";
    picked.id = select.id + "-picked";
    picked.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(picked, select.nextSibling);

    function filter() {
      var words = fold(search.value).split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        var shown = 0;
        Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
          var text = fold(option.textContent);
          var match = option.selected || words.every(function (w) { return text.indexOf(w) >= 0; });
          option.hidden = !match;
          if (match) { shown += 1; }
        });
        group.hidden = shown === 0;
      });
    }

    function list() {
      picked.textContent = "";
      Array.prototype.forEach.call(select.selectedOptions, function (option) {
        var item = document.createElement("li");
        item.textContent = option.textContent;
        picked.appendChild(item);
      });
    }

    search.addEventListener("input", filter);
    select.addEventListener("change", list);
    list();
  }

  Array.prototype.forEach.call(document.querySelectorAll("select.catalogue-pick"), enhance);
})();
