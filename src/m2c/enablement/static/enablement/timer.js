// The exam timer. The server fixed the deadline and refuses answers after it; this only shows the time left
// (counted from the seconds the server said remained when the page was drawn) and hands the answers in at 0.
(function () {
  var el = document.getElementById("exam-timer");
  var form = document.getElementById("exam-form");
  if (!el || !form) { return; }
  var end = Date.now() + Number(el.getAttribute("data-remaining")) * 1000;
  var done = false;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    el.textContent = (h ? h + ":" : "") + pad(m) + ":" + pad(s);
    if (left <= 60) { el.classList.add("text-danger"); }
    if (left === 0 && !done) {
      done = true;
      var action = document.createElement("input");
      action.type = "hidden"; action.name = "action"; action.value = "submit";
      form.appendChild(action);
      form.submit();
    }
  }
  // Each choice is saved as it is made, so the answers given before the deadline count even if the page is left.
  form.addEventListener("change", function () {
    var data = new FormData(form);
    data.set("action", "autosave");
    fetch(window.location.pathname, {method: "POST", body: data, credentials: "same-origin"});
  });
  tick();
  setInterval(tick, 1000);
})();
