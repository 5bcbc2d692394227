// Small conveniences over pages that work without any script.
(function () {
  "use strict";
  // A quantity changed in the cart is sent at once (the button stays for keyboards).
  document.querySelectorAll("form[data-auto-submit] input[type=number]").forEach(function (input) {
    input.addEventListener("change", function () {
      if (input.form && input.checkValidity()) { input.form.requestSubmit(); }
    });
  });
  // Search as you type: the results are fetched and swapped in place.
  var search = document.querySelector("input[data-live-search]");
  var results = document.getElementById("resultats");
  if (search && results && window.fetch && window.DOMParser) {
    var timer = null;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var url = "/?q=" + encodeURIComponent(search.value);
        fetch(url, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) {
            if (html === null) { return; }
            var doc = new DOMParser().parseFromString(html, "text/html");
            var fresh = doc.getElementById("resultats");
            if (fresh) { results.replaceWith(fresh); results = fresh; history.replaceState(null, "", url); }
          })
          .catch(function () {});
      }, 250);
    });
  }
})();
