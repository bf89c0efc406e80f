// AI网格员 (G3): "生成答复草稿" fills the public reply with a draft for staff to edit; nothing is sent.
(function () {
  "use strict";

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
    if (target.value.trim() && !window.confirm("将用草稿替换已填写的答复，是否继续？")) {
      return;
    }
    button.disabled = true;
    try {
      const response = await fetch(button.dataset.replyDraft, {
        credentials: "same-origin",
        headers: { Accept: "text/plain" },
      });
      if (response.ok) {
        target.value = await response.text();
        target.focus();
      }
    } finally {
      button.disabled = false;
    }
  });
})();
