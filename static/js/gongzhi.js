// Small behaviours without inline scripts (the CSP allows scripts from our origin only).
// A select marked data-autosubmit (the language switcher) submits when a choice is picked
// with a finger or the mouse. Arrowing through it with the keys must not reload the page at
// each step: after a key press it waits for Enter (or its 切换 button).
function isAutosubmit(target) {
  return target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit");
}
document.addEventListener("change", (event) => {
  const select = event.target;
  if (!isAutosubmit(select)) {
    return;
  }
  if (!select.dataset.keyed) {
    select.form.submit();
    return;
  }
  // Chosen with the keys: show the form's button (hidden until Tab reaches it) to confirm.
  const button = select.form.querySelector(".visually-hidden-focusable[type=submit], .visually-hidden-focusable:not([type])");
  if (button) {
    button.classList.remove("visually-hidden-focusable");
  }
});
document.addEventListener("keydown", (event) => {
  if (!isAutosubmit(event.target)) {
    return;
  }
  if (event.key === "Enter") {
    event.preventDefault();
    event.target.form.submit();
  } else if (event.key !== "Tab") {
    event.target.dataset.keyed = "1";
  }
});
document.addEventListener("pointerdown", (event) => {
  if (isAutosubmit(event.target)) {
    delete event.target.dataset.keyed;
  }
});

// A refused form opens on its error summary (autofocus). Chromium ignores autofocus when the
// address has a #fragment, and a page may be restored from the cache: then focus is still on
// the page itself and a screen reader says nothing, so move it to the first error summary.
function focusErrorSummary() {
  const summary = document.querySelector("[data-testid=error-summary], [data-error-summary]");
  if (summary && (document.activeElement === document.body || !document.activeElement)) {
    summary.focus();
  }
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", focusErrorSummary);
} else {
  focusErrorSummary();
}

// A form that cannot be undone asks first (data-confirm holds the translated question).
document.addEventListener("submit", (event) => {
  const question = event.target.dataset ? event.target.dataset.confirm : "";
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Long text: a textarea with a limit shows how much is typed ("已输入 123 / 5000 字") and, past
// it, how much to cut: the limit is data-maxlength (gongzhi/cases/forms/fields.py Textarea), so
// a pasted text is never cut short by the browser. The words come from the page
// (body[data-count-text], body[data-count-over-text], translated by the server).
(function () {
  "use strict";

  const template = document.body.dataset.countText || "{count} / {max}";
  const overTemplate = document.body.dataset.countOverText || template;

  function limit(area) {
    return Number(area.dataset.maxlength || area.getAttribute("maxlength"));
  }

  function update(area, counter) {
    const max = limit(area);
    const count = area.value.length;
    const words = count > max ? overTemplate : template;
    counter.textContent = words
      .replace("{count}", count)
      .replace("{max}", max)
      .replace("{over}", count - max);
    counter.classList.toggle("text-danger", count >= max);
    counter.classList.toggle("fw-semibold", count >= max * 0.9);
  }

  function attach(area) {
    if (area.dataset.counted || !(limit(area) > 0)) {
      return;
    }
    area.dataset.counted = "1";
    const counter = document.createElement("div");
    counter.className = "form-text text-end gz-counter";
    counter.dataset.testid = "char-counter";
    if (area.id) {
      counter.id = area.id + "_counter";
      const described = area.getAttribute("aria-describedby");
      area.setAttribute("aria-describedby", ((described || "") + " " + counter.id).trim());
    }
    area.insertAdjacentElement("afterend", counter);
    area.addEventListener("input", () => update(area, counter));
    update(area, counter);
  }

  function attachAll() {
    document.querySelectorAll("textarea[data-maxlength], textarea[maxlength]").forEach(attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", attachAll);
  } else {
    attachAll();
  }
  // Forms that htmx swaps in later get their counters too.
  document.addEventListener("htmx:afterSwap", attachAll);
})();
