// Global progress bar for every htmx request; the indicator lives in base.html.
document.body.addEventListener("htmx:configRequest", function () {
  document.getElementById("m2c-progress").classList.add("htmx-request");
});
document.body.addEventListener("htmx:afterRequest", function () {
  document.getElementById("m2c-progress").classList.remove("htmx-request");
});

// Behaviour declared in markup, not in inline handlers (the Content-Security-Policy runs no inline code):
// data-autosubmit submits the control's form when it changes; data-select-all="name" ticks every
// checkbox of that name.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches("[data-autosubmit]") && target.form) {
    target.form.submit();
  }
  if (target.matches("[data-select-all]")) {
    document.querySelectorAll('input[type=checkbox][name="' + target.dataset.selectAll + '"]').forEach(function (box) {
      box.checked = target.checked;
    });
  }
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
// Every chart is created through m2cChart: a reader who asked for reduced motion (an operating-system
// setting; the browser tests ask for it) gets charts drawn at once, without their entry animation.
window.m2cReducedMotion = function () {
  return Boolean(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
};
window.m2cChart = function (element) {
  var chart = echarts.init(element);
  if (window.m2cReducedMotion()) { chart.setOption({animation: false}); }
  return chart;
};
