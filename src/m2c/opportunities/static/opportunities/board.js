// The pipeline board: dragging a card runs the real stage transition on the server. A refusal puts the
// card back where it was and shows the reason; nothing has changed on the server either.
(function () {
  "use strict";
  const i18n = JSON.parse(document.getElementById("board-i18n").textContent);
  const moves = JSON.parse(document.getElementById("board-moves").textContent);
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  const alertBox = document.getElementById("board-alert");
  const modalEl = document.getElementById("move-modal");
  const modal = new bootstrap.Modal(modalEl);
  const form = document.getElementById("move-form");
  const needsForm = ["LOST", "ABANDONED", "ON_HOLD"];
  let pending = null;

  function show(kind, text, details) {
    const box = document.createElement("div");
    box.className = "alert alert-" + kind + " alert-dismissible fade show shadow-sm";
    box.setAttribute("role", "alert");
    box.dataset.kind = kind;
    const strong = document.createElement("div");
    strong.textContent = text;
    box.appendChild(strong);
    (details || []).filter(Boolean).forEach(function (line) {
      const d = document.createElement("div");
      d.className = "small";
      d.textContent = "· " + line;
      box.appendChild(d);
    });
    const close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    box.appendChild(close);
    alertBox.replaceChildren(box);
  }

  function recount(stage, delta) {
    const badge = document.querySelector('.m2c-count[data-stage="' + stage + '"]');
    if (badge) badge.textContent = String(Math.max(0, parseInt(badge.textContent, 10) + delta));
  }

  function revert(evt) {
    const before = evt.from.children[evt.oldIndex] || null;
    evt.from.insertBefore(evt.item, before);
  }

  function send(evt, target, extra) {
    const card = evt.item;
    const source = evt.from.dataset.stage;
    const body = new URLSearchParams(Object.assign({ to: target }, extra || {}));
    card.classList.add("opacity-50");
    fetch("/opportunities/" + card.dataset.id + "/move/", {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        card.classList.remove("opacity-50");
        if (!data.ok) {
          revert(evt);
          show("danger", i18n.refused + ": " + data.detail, data.reasons && data.reasons.length > 1 ? data.reasons : []);
          return;
        }
        show("success", data.message);
        recount(source, -1);
        card.dataset.stage = data.stage;
        const prob = card.querySelector(".m2c-prob");
        if (prob) prob.textContent = parseFloat(data.probability).toString() + "%";
        if (["WON", "LOST", "ABANDONED"].indexOf(data.stage) >= 0) {
          card.classList.add("m2c-closed");
          setTimeout(function () { card.remove(); }, 1200);
        } else {
          recount(data.stage, 1);
        }
      })
      .catch(function () {
        card.classList.remove("opacity-50");
        revert(evt);
        show("danger", i18n.error);
      });
  }

  function highlight(stage, on) {
    const allowed = moves[stage] || [];
    document.querySelectorAll(".m2c-cards, .m2c-drop").forEach(function (zone) {
      zone.classList.toggle("m2c-allowed", on && allowed.indexOf(zone.dataset.stage) >= 0);
    });
  }

  function onEnd(evt) {
    highlight(evt.from.dataset.stage, false);
    if (evt.from === evt.to) return;
    const target = evt.to.dataset.stage;
    if (needsForm.indexOf(target) >= 0) {
      pending = evt;
      modalEl.querySelector("#move-modal-title").textContent = i18n[target] + " · " + evt.item.dataset.name;
      modalEl.querySelectorAll(".m2c-for").forEach(function (el) {
        el.classList.toggle("d-none", !el.classList.contains("m2c-for-" + target));
      });
      form.dataset.target = target;
      modal.show();
      return;
    }
    send(evt, target);
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    const evt = pending;
    pending = null;
    modal.hide();
    if (!evt) return;
    const target = form.dataset.target;
    const data = { reason: form.reason.value };
    if (target === "LOST") { data.loss_reason = form.loss_reason.value; data.competitor = form.competitor.value; }
    if (target === "ABANDONED") data.abandon_reason = form.abandon_reason.value;
    if (target === "ON_HOLD") data.hold_until = form.hold_until.value;
    send(evt, target, data);
  });
  modalEl.addEventListener("hidden.bs.modal", function () {
    if (pending) { revert(pending); pending = null; }
  });

  document.querySelectorAll(".m2c-cards, .m2c-drop").forEach(function (zone) {
    Sortable.create(zone, {
      group: "board",
      animation: window.m2cReducedMotion() ? 0 : 150,
      sort: false,
      draggable: ".m2c-card",
      ghostClass: "m2c-ghost",
      onStart: function (evt) { highlight(evt.from.dataset.stage, true); },
      onEnd: onEnd,
    });
  });
})();
