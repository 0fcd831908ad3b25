// Global progress bar for every htmx request; the indicator lives in base.html.
document.body.addEventListener("htmx:configRequest", function () {
  document.getElementById("m2c-progress").classList.add("htmx-request");
});
document.body.addEventListener("htmx:afterRequest", function () {
  document.getElementById("m2c-progress").classList.remove("htmx-request");
});
