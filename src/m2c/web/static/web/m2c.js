// Global progress bar for every htmx request; the indicator lives in base.html.
document.body.addEventListener("htmx:configRequest", function () {
  document.getElementById("m2c-progress").classList.add("htmx-request");
});
document.body.addEventListener("htmx:afterRequest", function () {
  document.getElementById("m2c-progress").classList.remove("htmx-request");
});
// The language menu switches on change (a listener, not an inline handler, so a strict CSP allows it).
var languageSelect = document.getElementById("language-select");
if (languageSelect) {
  languageSelect.addEventListener("change", function () { languageSelect.form.submit(); });
}
// A menu link followed on a phone closes the off-canvas menu before the next page paints.
document.querySelectorAll("#m2c-nav a.nav-link").forEach(function (link) {
  link.addEventListener("click", function () {
    var panel = document.getElementById("m2c-sidebar");
    var menu = window.bootstrap && bootstrap.Offcanvas.getInstance(panel);
    if (menu) { menu.hide(); }
  });
});
