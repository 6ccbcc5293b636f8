// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Long actions (imports, batches) say that they are working.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var text = form.getAttribute("data-progress");
    if (!text) { return; }
    form.setAttribute("aria-busy", "true");
    var live = document.getElementById("cap-nhat");
    if (live) { live.textContent = text; }
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; button.textContent = text; }
  });
  // Live updates: the events this person may see, as a notice; parts of the page refresh themselves.
  var source = document.body.getAttribute("data-live");
  if (!source || !window.EventSource) { return; }
  var events = new EventSource(source);
  events.addEventListener("update", function (message) {
    var update = JSON.parse(message.data);
    var live = document.getElementById("cap-nhat");
    if (live) { live.textContent = "Cập nhật: " + update.text; }
    document.body.dispatchEvent(new CustomEvent("tdkt-update", { detail: update }));
  });
})();
