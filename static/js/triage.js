// AI网格员 (G3): "生成答复草稿" fills the public reply with a draft for staff to edit; nothing is sent.
(function () {
  "use strict";

  function say(button, text, css) {
    let note = button.parentElement.querySelector("[data-reply-draft-note]");
    if (!note) {
      note = document.createElement("div");
      note.setAttribute("data-reply-draft-note", "");
      note.setAttribute("role", "status");
      button.insertAdjacentElement("afterend", note);
    }
    note.className = `small mb-2 ${css}`;
    note.textContent = text;
  }

  document.addEventListener("click", async (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-reply-draft]") : null;
    if (!button) {
      return;
    }
    event.preventDefault();
    const target = document.getElementById(button.dataset.target || "");
    if (!target) {
      return;
    }
    if (target.value.trim() && !window.confirm(button.dataset.replaceQuestion)) {
      return;
    }
    button.disabled = true;
    try {
      const response = await fetch(button.dataset.replyDraft, {
        credentials: "same-origin",
        headers: { Accept: "text/plain" },
      });
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      target.value = await response.text();
      // The character counter (gongzhi.js) and anything else listening see the new text.
      target.dispatchEvent(new Event("input", { bubbles: true }));
      target.focus();
      say(button, button.dataset.draftNote, "text-warning-emphasis");
    } catch (error) {
      say(button, button.dataset.draftError, "text-danger");
    } finally {
      button.disabled = false;
    }
  });
})();
