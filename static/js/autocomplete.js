// Search-as-you-type selects (core.widgets.AutocompleteSelect): a Tom Select that asks the URL in
// data-autocomplete-url for one page of matching choices at a time ({results: [{value, text}], next}).
(function () {
  function withQuery(url, query) {
    return url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query);
  }
  function setup(root) {
    if (typeof TomSelect === "undefined") return;
    root.querySelectorAll("select[data-autocomplete-url]").forEach(function (select) {
      if (select.tomselect) return;
      var url = select.dataset.autocompleteUrl;
      // Tom Select points the label at its own input: the hidden select keeps its name for assistive
      // technologies through aria-label.
      var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
      if (label && !select.hasAttribute("aria-label")) select.setAttribute("aria-label", label.textContent.trim());
      new TomSelect(select, {
        valueField: "value",
        labelField: "text",
        searchField: [],
        placeholder: select.dataset.placeholder || "",
        preload: "focus",
        loadThrottle: 250,
        maxOptions: null,
        plugins: ["virtual_scroll"],
        firstUrl: function (query) { return withQuery(url, query); },
        // The server filters (accents and case ignored): keep every option it sends, in its order.
        score: function () { return function () { return 1; }; },
        load: function (query, callback) {
          var control = this;
          fetch(control.getUrl(query), { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (response) {
              if (!response.ok) throw new Error(response.status);
              return response.json();
            })
            .then(function (data) {
              if (data.next) control.setNextUrl(query, data.next);
              callback(data.results);
            })
            .catch(function () { callback(); });
        },
        render: {
          no_results: function () { return '<div class="no-results">Aucun résultat</div>'; },
          loading_more: function () { return '<div class="loading-more-results py-2 d-flex align-items-center"><div class="spinner"></div> Chargement…</div>'; },
          no_more_results: function () { return ""; },
        },
      });
    });
  }
  setup(document);
  document.addEventListener("htmx:load", function (event) { setup(event.detail.elt); });
})();
